"""QB Explorer's server: ``streamlit run serve.py`` (what ``make run`` starts; on Streamlit Community
Cloud, the main file). The app itself is ``streamlit_app.py``, run as Streamlit runs it; in front of
Streamlit's own server stack, :class:`ui.static_assets.StaticAssets` answers the frontend's files from
memory (a new browser fetches 90-150 of them on its first page). ``streamlit run streamlit_app.py``
serves the same app without that layer."""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from streamlit import config
from streamlit.file_util import get_static_dir

from ui.static_assets import StaticAssets

app = st.App(Path(__file__).with_name("streamlit_app.py"), middleware=[
    Middleware(StaticAssets, directory=get_static_dir(), base_url=config.get_option("server.baseUrlPath") or "")])
