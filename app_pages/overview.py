"""Overview: which network ran on which platform, at which precision, pruning and batch sizes?"""

import streamlit as st

from qb_core.filters import select
from qb_core.topology import TASKS
from ui import data, sidebar, uploads

st.title("Overview of all measurements")
current = sidebar.selection()
st.markdown(
    f"What was measured for {TASKS[current.task]}? One row per hardware platform: its family, the op "
    "modes and the batch / stream / thread sweep used, and per network the precision x pruning variants "
    "measured. *na*: this network was not run on this platform (many combinations are not supported by "
    "the vendors' toolflows). INTx is x-bit fixed point, FPy y-bit floating point. The table is derived "
    "from the measurements, under the sidebar's filters."
)
sidebar.current_or_stop()

rows = select(uploads.rows(), current)
table = data.overview(rows, current.task)
if current.platforms is not None:
    table = table[table["platform"].isin(current.platforms)]
st.dataframe(table, hide_index=True, column_config={"op_modes": "op modes", "batch_sweep": "batch sweep"})
st.download_button("Download overview (CSV)", table.to_csv(index=False), "overview.csv", "text/csv")
