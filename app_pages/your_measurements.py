"""Your measurements: bring your own results, see them beside QuTiBench's on every measurement page."""

import streamlit as st

from ui import messages, uploads

st.title("Your measurements")
st.markdown(
    "Measured your own board or network? Upload a CSV in the QuTiBench format (its measurement "
    "export or the contribution template: `NN_Topology, HWType, Precision, Op mode, batch/thread/stream, "
    "lat-comp, fps-comp, top1 [%], FullPwr [W], PruningFactor, ...`) or a CSV downloaded from this app. "
    "Your rows join the bundled data on the Overview, Latency/Throughput, Boxplots and Pareto pages, "
    "labelled with the file name. They stay in this browser session only."
)

messages.show("upload")


def _add() -> None:
    upload = st.session_state.get("measurement_upload")
    if upload is None:
        messages.flash("upload", "error", "Choose a CSV file first.")
        return
    try:
        kept, skipped = uploads.add(upload.name, upload.getvalue())
    except ValueError as exc:
        messages.flash("upload", "error", f"{upload.name} was not added: {exc}. Nothing was changed.")
        return
    messages.flash("upload", "success", f"{upload.name}: {kept:,} row(s) added"
                   + (f", {skipped:,} skipped (see below)." if skipped else "."))


st.file_uploader("Measurement CSV", type=["csv"], key="measurement_upload")
st.button("Add to my measurements", on_click=_add, icon=":material/upload:")

for name, rows in uploads.uploads().items():
    with st.container(border=True):
        tasks = ", ".join(f"{task}: {count:,}" for task, count in rows["task"].value_counts().items())
        st.markdown(f"**{name}**: {len(rows):,} rows ({tasks}); platforms "
                    f"{', '.join(sorted(rows['device'].astype(str).unique()))}")
        problems = uploads.reports().get(name)
        if problems is not None and not problems.empty:
            st.caption("Rows the importer skipped or noted, with their line in the file:")
            st.dataframe(problems, hide_index=True)
        st.button(f"Remove {name}", key=f"remove_upload_{name}", on_click=uploads.remove, args=(name,))
if not uploads.uploads():
    st.caption("No measurements of your own yet.")
