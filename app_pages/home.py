"""Home: what the tool answers, the dataset at a glance, where each answer lives, credits."""

import streamlit as st

from qb_core.vocabulary import TASKS, pruning_text
from ui import cache, navigation, state, uploads
from ui.safe import literal_list
from ui.text import ROOFLINE_PRIMER

st.title("QB Explorer")
st.markdown(
    "**How fast, how accurately and at what power can a given neural network run on a given piece "
    "of hardware, and why?** QB Explorer puts the theory (rooflines, predicted throughput) beside the "
    "measurements (latency, throughput, power, accuracy) for CNN inference on FPGAs, GPUs, TPUs, VPUs "
    "and CPUs, joins the two, and explains the gap. The sidebar's choices live in the page address: a copied "
    "link reopens the same view. The measurement pages start from the notebook's op modes (TX2 at maxp, the "
    "others at their one mode), the theory pages from every op mode; each group keeps its own choice."
)

current = state.current()
task_rows = cache.measurements()[cache.measurements()["task"] == current.task]
st.subheader(f"The dataset: {TASKS[current.task]}")
cols = st.columns(4)
cols[0].metric("Measured rows", f"{len(task_rows):,}")
cols[1].metric("Configurations", f"{task_rows['config'].nunique():,}")
cols[2].metric("Platforms that ran it", f"{task_rows['platform'].nunique()} of {cache.catalog()['platform'].nunique()}")
cols[3].metric("Platform x op mode", f"{task_rows['device'].nunique()} of {len(cache.catalog())}")
cols[2].caption("Platforms of the catalog with measurements of this task (TX2 and EdgeTPU count once).")
st.markdown(f"**Precisions:** {', '.join(sorted(task_rows['precision'].astype(str).unique()))} · "
            f"**Networks:** {', '.join(sorted(task_rows['topology'].astype(str).unique()))} · "
            f"**Pruning (width):** "
            + ", ".join(f"{pruning_text(p)}%" for p in sorted(task_rows["pruning_pct"].unique(), reverse=True)))
if uploads.uploads():
    st.caption(f"Plus {sum(len(r) for r in uploads.uploads().values()):,} row(s) of your own "
               f"({literal_list(uploads.uploads())}), on the measurement pages.")

st.subheader("Where each answer lives")
for section, infos in navigation.SECTIONS.items():
    if not section:
        continue
    st.markdown(f"**{section}**")
    columns = st.columns(3)
    for index, info in enumerate(infos):
        columns[index % 3].page_link(f"app_pages/{info.script}.py", label=info.title, icon=info.icon)

st.subheader("How to read a roofline")
st.markdown(ROOFLINE_PRIMER)
st.caption("Operations count 2 per multiply-accumulate. TOP/s = 10¹² operations per second.")

st.subheader("Credits")
st.markdown(
    "Measurements: QuTiBench, Xilinx Inc., Apache License 2.0 (Xilinx Research Labs, *QuTiBench: "
    "Benchmarking Neural Networks on Heterogeneous Hardware*, 2019). The analyses follow the "
    "QuTiBench CIFAR-10 notebook; CNV and MLP operation counts are recomputed from their layers, and the "
    "ImageNet networks are rebuilt layer by layer from their papers (Szegedy et al. 2015, Howard et al. 2017, "
    "He et al. 2016, Google's EfficientNet-EdgeTPU; sources in `data/README.md`)."
)
