"""QB Explorer entry point: page navigation and the shared sidebar filters.

Run with ``make run`` (or ``streamlit run streamlit_app.py``). Sidebar widgets are declared here,
before the page runs, so their values hold on every page and live in the URL.
"""

import streamlit as st

from ui import sidebar, whatif

ABOUT = ("**QB Explorer**: how fast, how accurately and at what power a CNN runs on a given board, and why.\n\n"
         "Measurements: QuTiBench, Xilinx Inc., Apache License 2.0.")
st.set_page_config(page_title="QB Explorer", page_icon="🧮", layout="wide", menu_items={"About": ABOUT})

# --- navigation ---
PAGES = {
    "": [st.Page("app_pages/home.py", title="Home", icon=":material/home:", default=True)],
    "Theory": [
        st.Page("app_pages/rooflines.py", title="Rooflines", icon=":material/show_chart:"),
        st.Page("app_pages/prediction.py", title="Prediction", icon=":material/grid_on:"),
        st.Page("app_pages/whatif.py", title="What-if hardware", icon=":material/tune:"),
    ],
    "Measurements": [
        st.Page("app_pages/overview.py", title="Overview", icon=":material/table_chart:"),
        st.Page("app_pages/latency_throughput.py", title="Latency/Throughput", icon=":material/speed:"),
        st.Page("app_pages/boxplots.py", title="Boxplots", icon=":material/candlestick_chart:"),
        st.Page("app_pages/pareto.py", title="Pareto", icon=":material/scatter_plot:"),
        st.Page("app_pages/your_measurements.py", title="Your measurements", icon=":material/upload_file:"),
    ],
}
# --- shared sidebar (declared before the page runs, so it holds on every page) ---
sidebar.render()
whatif.render()
whatif.write_to_url(whatif.current())
page = st.navigation(PAGES)

# --- the page ---
page.run()
