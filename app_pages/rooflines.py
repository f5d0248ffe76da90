"""Rooflines: is each network variant memory- or compute-bound on each platform, and where do the
measured deployments sit below their roofs?"""

import streamlit as st

from qb_core.vocabulary import TASKS
from ui import cache, tables, why
from ui.safe import download_csv
from ui.text import ACTIVATION_LABELS, ASSUMPTIONS, WEIGHT_LABELS
from ui.viewmodels import gap as gap_views
from ui.viewmodels import theory

st.title("Rooflines")
st.markdown(
    "Where does each network variant sit against each platform's limits? Every line is one platform at one "
    "precision: the slanted part is memory bandwidth x arithmetic intensity, the flat part its peak TOP/s, "
    "and they meet at the ridge point (marked). Each variant's intensity (operations per byte moved off chip) "
    "puts it on every roof of its precision: the hollow circles are its operating points, left of a platform's "
    "ridge memory-bound there, right of it compute-bound; the dashed verticals mark the intensities where few "
    "enough to read, or for one platform in focus. Lines whose figures coincide are drawn inside one another, "
    "each in its platform's colour, and named together in their tooltip."
)

# --- data ---
view = theory.view()
settings, current = view.settings, view.selection
focus_column, left, middle, right = st.columns([1.2, 1, 1, 1])
devices = theory.hardware_devices(view.scenario)
focus = focus_column.selectbox("Platform", ["All platforms", *devices], key="roof_focus", bind="query-params",
                               help="One platform's roofs, operating points, verticals and measurements alone.")
show_measured = left.toggle("Measured points", key="roof_measured", bind="query-params",
                            help="Each measured configuration at its variant's intensity and its measured TOP/s "
                                 "(best throughput over its batch sizes): how far below its roof it runs.")
all_networks = middle.toggle("All tasks' networks", key="roof_all", bind="query-params",
                             help="Draw the intensities of the networks of every task at once.")
tasks = [current.task]
if all_networks:
    tasks = right.multiselect("Networks of", list(TASKS), default=list(TASKS), format_func=TASKS.get,
                              key="roof_tasks", bind="query-params") or [current.task]
chart = theory.roofline_chart(view.scenario, show_measured, tuple(tasks) if all_networks else None,
                             None if focus not in devices else focus)
points, finite, ghost, measured, unlabelled = (chart.points, chart.intensities, chart.ghost, chart.measured,
                                               chart.unlabelled)

# --- chart ---
st.vega_lite_chart(chart.spec, key="roofline_chart")
distinct = chart.distinct
notes = [f"{distinct} distinct rooflines (platform x precision; coinciding lines drawn inside one another) and "
         f"{len(finite)} variant intensities, "
         f"{len(chart.operating)} operating points (hover one for its variant, roof and bound)."]
if not chart.verticals:
    notes.append(f"{len(finite)} intensities are too many verticals to read over every platform: choose one "
                 "platform above to draw its verticals and their labels.")
if unlabelled:
    notes.append(f"{unlabelled} network label(s) left out where they would overlap: hover a dashed vertical for "
                 "its network, precision and intensity.")
if ghost is not None:
    notes.append("Faded lines: the datasheet rooflines, for comparison.")
if measured is not None:
    tasks_note = ("of " + ", ".join(TASKS[t] for t in tasks) + ", ") if all_networks else ""
    notes.append(f"{len(measured)} measured configurations {tasks_note}(points, outlined, in their platform's "
                 "colour): each sits below its roof by its efficiency; the Efficiency page lists them. Dotted "
                 "segments under the flat roofs: each platform's best measured TOP/s at that precision (any task, "
                 "any batch), its achievable peak.")
if chart.infinite:
    notes.append("With weights and activations on chip nothing moves off chip: intensity is infinite, every "
                 "variant is compute-bound and runs at the peak, so no vertical is drawn.")
st.caption(" ".join(notes) + " Ops are operations, 2 per multiply-accumulate.")

with st.expander("What the storage assumptions mean", expanded=settings.storage_changed):
    st.markdown("\n\n".join(ASSUMPTIONS[key] for key in (*WEIGHT_LABELS, "act-off-chip")))
    st.caption(f"Now: weights {WEIGHT_LABELS[settings.weights].lower()}"
               + (f" (N = {settings.batch})" if settings.weights == "per-batch" else "")
               + f"; activations {ACTIVATION_LABELS[settings.activations].lower()}.")

with st.expander("Why each platform runs where it runs", expanded=show_measured):
    why.show_platform_reasons(view.scenario)

# --- on-chip capacity ---
st.subheader("Do the weights fit on chip?")
fits = cache.fits(view.scenario)
st.markdown("Each variant's weights at each precision against the platform's on-chip memory (BRAM/UltraRAM, "
            "L2 or scratchpad, as its datasheet states). Where they fit, the *Automatic* storage assumption "
            "keeps them on chip and the variant's roof is the platform's peak. "
            + gap_views.fits_summary(view.scenario))
tables.draw(theory.fits_table(view.scenario), key="fits_table")

# --- bound table ---
st.subheader("Ridge points and bounds")
st.markdown("Ridge point = 1000 x peak / bandwidth (ops/byte). Per variant: *memory* or *compute*-bound at that "
            "platform's precision, under the current storage assumption.")
bounds = cache.bounds(view.scenario)
tables.draw(theory.bounds_table(view.scenario), key="bounds_table")
suffix = settings.file_suffix()
download_csv("Download roofline points (CSV)", points, f"rooflines{suffix}.csv")
download_csv("Download bounds (CSV)", bounds, f"roofline_bounds{suffix}.csv")
download_csv("Download on-chip fit (CSV)", fits, "weights_on_chip.csv")
if measured is not None:
    download_csv("Download the measured points (CSV)", measured, f"roofline_measured_points{suffix}.csv")
