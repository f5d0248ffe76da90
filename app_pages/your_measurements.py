"""Your measurements: bring your own results, see them beside QuTiBench's on every page."""

import streamlit as st

from ui import messages, tables, upload_slot, uploads
from ui.safe import literal, literal_list

MEASUREMENT_UPLOAD_MB = 20

st.title("Your measurements")
st.markdown(
    "Measured your own board or network? Upload a CSV in the QuTiBench format (its measurement "
    "export or the contribution template: `NN_Topology, HWType, Precision, Op mode, batch/thread/stream, "
    "lat-comp, fps-comp, top1 [%], FullPwr [W], PruningFactor, ...`) or a CSV downloaded from this app. "
    "Comma, semicolon or tab separated; UTF-8, UTF-16 or Windows-1252. Your rows join the bundled data on "
    "every measurement page and in the theory-vs-measurement join, labelled with the file name; a board of "
    "your own pairs with a prediction once you describe it on the What-if hardware page. They stay in this "
    "browser session only."
)
with st.container():  # one slot whatever it holds, so the uploader below keeps its place between runs
    messages.show("measurement")


def _add(pending: upload_slot.Pending) -> str:
    kept, skipped = uploads.commit(pending.file_name, pending.result, pending.digest)
    return (f"{literal(pending.file_name)}: {kept:,} row(s) added"
            + (f", {skipped:,} skipped (see below)." if skipped else "."))


upload_slot.uploader("measurement", "Measurement CSV", ["csv"], MEASUREMENT_UPLOAD_MB, uploads.read,
                     help=f"Up to {MEASUREMENT_UPLOAD_MB} MB; the app keeps at most {uploads.MAX_UPLOADED_ROWS:,} "
                          "rows.")
upload_slot.add_button("measurement", "Add", _add)

for index, (name, rows) in enumerate(uploads.uploads().items()):
    with st.container(border=True):
        tasks = ", ".join(f"{task}: {count:,}" for task, count in rows["task"].value_counts().items())
        st.markdown(f"**{literal(name)}**: {len(rows):,} rows ({literal(tasks)}); platforms "
                    f"{literal_list(sorted(rows['device'].astype(str).unique()))}")
        problems = uploads.reports().get(name)
        if problems is not None and not problems.empty:
            st.caption("Rows the importer skipped or noted, with their line in the file:")
            tables.show(problems, key=f"problems_{index}")
        st.button("Remove this file", key=f"remove_upload_{index}", on_click=uploads.remove, args=(name,))
if not uploads.uploads():
    st.caption("No measurements of your own yet.")
