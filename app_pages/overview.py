"""Overview: which network ran on which platform, at which precision, pruning and batch sizes?"""

import streamlit as st

from qb_core.vocabulary import TASKS
from ui import cache, state
from ui.safe import download_csv
from ui.viewmodels import measured

st.title("Overview of all measurements")
current = state.current_or_stop()
st.markdown(
    f"What was measured for {TASKS[current.task]}? One row per hardware platform and data set (QuTiBench's, or "
    "a file of yours): its family, the op modes and the batch / stream / thread sweep used, and per network "
    "the precision x pruning variants measured. *na*: this network was not run on this platform (many "
    "combinations are not supported by the vendors' toolflows). INTx is x-bit fixed point, FPy y-bit "
    "floating point. The table is derived from the measurements, under the sidebar's filters."
)

st.table(measured.overview_table(current))
download_csv("Download overview (CSV)", cache.overview(current), "overview.csv")
