"""A bare Streamlit app with one Altair chart: the yardstick ``bench load`` compares each page with.

Run by the benchmark with ``streamlit run bench/one_chart_app.py``; a title (the benchmark waits for
an ``h1``) and one scatter of 200 points, nothing cached, no sidebar, no navigation.
"""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

rng = np.random.default_rng(0)
points = pd.DataFrame({"latency_ms": rng.lognormal(1.0, 1.0, 200), "fps": rng.lognormal(4.0, 1.0, 200),
                       "family": rng.choice(["GPU", "FPGA", "TPU", "CPU"], 200)})

st.title("One chart")
st.altair_chart(alt.Chart(points).mark_point().encode(
    alt.X("latency_ms:Q", scale=alt.Scale(type="log")), alt.Y("fps:Q", scale=alt.Scale(type="log")),
    color="family:N", tooltip=["latency_ms", "fps", "family"]), width="stretch")
