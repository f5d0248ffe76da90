"""The one-chart yardstick served the way ``serve.py`` serves QB Explorer (Streamlit's frontend files
answered from memory by :class:`ui.static_assets.StaticAssets`), so ``bench load`` compares like with
like: ``streamlit run bench/one_chart_served.py``."""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from streamlit import config
from streamlit.file_util import get_static_dir

from ui.static_assets import StaticAssets

app = st.App(Path(__file__).with_name("one_chart_app.py"), middleware=[
    Middleware(StaticAssets, directory=get_static_dir(), base_url=config.get_option("server.baseUrlPath") or "")])
