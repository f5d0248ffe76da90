"""QB Explorer entry point: page navigation and the shared sidebar.

Run with ``make run`` (or ``streamlit run streamlit_app.py``). The sidebar is declared here, after
the navigation has chosen the page (so it shows what that page needs) and before the page runs;
its widgets keep their values on every page and live in the URL.
"""

import streamlit as st

from ui import navigation, sidebar, state, user_networks, whatif_sidebar, whatif_url

ABOUT = ("**QB Explorer**: how fast, how accurately and at what power a CNN runs on a given board, and why.\n\n"
         "Measurements: QuTiBench, Xilinx Inc., Apache License 2.0.")
st.set_page_config(page_title="QB Explorer", page_icon="🧮", layout="wide", menu_items={"About": ABOUT})

# --- navigation ---
page = st.navigation(navigation.pages(), expanded=True)
group = navigation.group_of(page)

# --- shared sidebar: what this page needs; hidden widgets keep their values ---
whatif_url.load_from_url()
user_networks.load_from_url()
whatif_url.show_notes()
sidebar.render(group)
if group in ("theory", "gap"):
    whatif_sidebar.render()
current = state.build(group)  # once per rerun: what the page and every cache read
whatif_url.write_to_url(current.whatif)
user_networks.write_to_url()

# --- the page ---
page.run()
