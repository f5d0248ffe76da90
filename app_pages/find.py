"""Find a deployment: constraints in, the deployments that meet them out, ranked, with why."""


import streamlit as st

from qb_core.analyses.finder import (
    OBJECTIVES,
    Constraints,
    readable,
    value_problem,
)
from qb_core.question import Asked
from qb_core.vocabulary import TASKS
from ui import state, tables
from ui.charts.finder import AUTO, AXES, resolve_axes
from ui.safe import cell_text, download_csv, literal, literal_list, option_label
from ui.viewmodels import find
from ui.viewmodels.find import FIRST_ROWS, HEADERS
from ui.widgets import TAKE_DEVICE_KEY, TAKE_TARGET_KEY, TAKE_VARIANT_KEY, accept_ids, take_precision_key

ANY = "any"
OBJECTIVE_NAMES = {"fps": "throughput", "latency": "latency", "power": "power", "energy": "energy per input",
                   "top1": "accuracy"}
QUESTION_NAMES = {"latency-b1": "one input at a time", "throughput-best": "best-batch throughput",
                  "batch": "at batch N"}
LEVEL_NAMES = {"board": "board", "accelerator": "accelerator"}


def follow_sidebar_task() -> None:
    """The task asked for starts from the sidebar's and follows it when it changes (a shared link,
    opened fresh, keeps its own)."""
    state = st.session_state
    seen, now = state.get("_find_sidebar_task"), state.get("task")
    fresh = seen is None and "find_task" not in st.query_params and "find_task" not in state
    if now in TASKS and (fresh or (seen is not None and now != seen)):
        state["find_task"] = now
    state["_find_sidebar_task"] = now


def question_from_link() -> None:
    """A link made before the question existed said ``find_latency_batch=1``: that is the batch-1
    latency question."""
    state = st.session_state
    if "find_question" not in st.query_params and "find_question" not in state \
            and st.query_params.get("find_latency_batch") == "1":
        state["find_question"] = "latency-b1"


def sidebar_follows() -> None:
    """A task asked for here becomes the sidebar's too, so the pages linked from here (What would it
    take) open on it."""
    if st.session_state.get("find_task", ANY) in TASKS:
        st.session_state["task"] = st.session_state["find_task"]


def offered_or_any(key: str, options: list[str], what: str, where: str) -> None:
    """Fall back to *any*, and say so, when the chosen ``key`` is not offered (the task changed,
    or a link names something the task does not have)."""
    state = st.session_state
    chosen = state.get(key, st.query_params.get(key))
    if chosen is not None and chosen != ANY and chosen not in options \
            and chosen not in {option_label(o) for o in options}:
        state[key] = ANY
        st.info(f"{where} has no {what} {literal(chosen)}: {what} set to any.")


def ask_what_it_takes(device: str, precision: str, variant: str, task: str, target_fps: float) -> None:
    """Preset What would it take with this deployment and target (its widgets read these keys) and
    go there on the next run (a callback cannot switch pages itself)."""
    st.session_state.update({"task": task, TAKE_DEVICE_KEY: device, take_precision_key(device): precision,
                             TAKE_VARIANT_KEY: variant, TAKE_TARGET_KEY: float(min(max(target_fps, 1.0), 1e9)),
                             "_goto_what_it_takes": True})


def unusable(linked: dict[str, str], key: str) -> bool:
    """Whether a link's text for a limit is no number its widget takes (rather than a value the
    user cleared since)."""
    try:
        number = float(linked[key])
    except (KeyError, TypeError, ValueError):
        return key in linked
    return value_problem(key.removeprefix("find_"), number) is not None or number < 0.001



if st.session_state.pop("_goto_what_it_takes", False):
    # the page's own constraints are bound to the address: leave them behind explicitly (a bare switch would
    # try to clear bound parameters and fail); the sidebar's settings travel on
    kept = {key: value for key, value in st.query_params.to_dict().items()
            if not key.startswith("find_") and key != "task"}
    st.switch_page("app_pages/what_it_takes.py", query_params=kept)
st.title("Find a deployment")
LIMIT_KEYS = ("find_min_fps", "find_max_latency_ms", "find_max_power_w", "find_max_mj_per_input", "find_min_top1_pct")
CHOICE_KEYS = ("find_task", "find_objective")
# Streamlit drops a link's value a widget cannot take as the widget registers: keep what the link said first
linked = st.session_state.setdefault("_find_linked_limits", {})
linked.update({key: st.query_params[key] for key in (*LIMIT_KEYS, *CHOICE_KEYS)
               if key in st.query_params and key not in linked})
st.markdown(
    "Which platform, precision and network meet my constraints? Ask the question first: **one input at a time** "
    "(batch-1 latency), **throughput at the best batch**, or **at a batch N**; on the **board** (what a deployment "
    "sees: the host's pre- and post-processing included, QuTiBench's *system* figures) or the **accelerator** "
    "alone (its *compute* figures). Every constraint is optional. Only **evidence** can meet them: a measurement "
    "at the question's batch (*measured*), or the batch-aware model's prediction where a hold-out tested "
    "predictions like it on that platform (*tested*, with its 80 % band). The model's untested figures and the "
    "datasheet roofline are listed apart with their reason: they are not answers. Energy per input = power / "
    "throughput. The question and constraints live in the page address: copy it to share the answer."
)

# --- the question ---
current = state.current()

question_from_link()
accept_ids("find_question", QUESTION_NAMES)
accept_ids("find_level", LEVEL_NAMES)
accept_ids("find_task", {**TASKS, ANY: "any task"})
accept_ids("find_objective", OBJECTIVE_NAMES)
asking = st.columns([3, 1, 2])
kind = asking[0].segmented_control("Question", list(QUESTION_NAMES), format_func=QUESTION_NAMES.get,
                                   default=None if "find_question" in st.session_state else "throughput-best",
                                   required=True, key="find_question", bind="query-params",
                                   help="One input at a time: the latency of batch 1. Best-batch throughput: at "
                                        "the batch each platform was measured at that runs fastest. At batch N: "
                                        "latency and throughput of a batch of N.")
asked_batch = asking[1].number_input("Batch N", min_value=1, max_value=1_000_000, value=8, step=1,
                                     key="find_batch", bind="query-params", disabled=kind != "batch")
level = asking[2].segmented_control("Level", list(LEVEL_NAMES), format_func=LEVEL_NAMES.get,
                                    default=None if "find_level" in st.session_state else "board",
                                    required=True, key="find_level", bind="query-params",
                                    help="Board: what a deployment sees, the host's pre- and post-processing "
                                         "included (the default). Accelerator: the accelerator's own time, "
                                         "QuTiBench's compute figures.")
asked = Asked(kind, level, int(asked_batch) if kind == "batch" else None)
follow_sidebar_task()
top = st.columns(4)
task = top[0].selectbox("Task", [ANY, *TASKS], format_func=lambda t: "any task" if t == ANY else TASKS[t],
                        key="find_task", bind="query-params", on_change=sidebar_follows,
                        help="Starts from the sidebar's task; any task weighs every network.")
offered = find.options(current, asked, None if task == ANY else task)
where = "Every task" if task == ANY else TASKS[task]
networks = list(offered.networks)
offered_or_any("find_network", networks, "network", where)
network = top[1].selectbox("Network", [ANY, *networks], key="find_network", bind="query-params",
                           format_func=lambda n: "any network" if n == ANY else option_label(n))
precisions = list(offered.precisions)
offered_or_any("find_precision", precisions, "precision", where)
precision = top[2].selectbox("Precision", [ANY, *precisions], key="find_precision", bind="query-params",
                             format_func=lambda p: "any precision" if p == ANY else p)
objective = top[3].selectbox("Rank by", list(OBJECTIVES), format_func=OBJECTIVE_NAMES.get, key="find_objective",
                             bind="query-params")

row = st.columns(5)
min_fps = row[0].number_input("Minimum throughput (inputs/s)", min_value=0.001, value=None, step=100.0, format="%.6g",
                              key="find_min_fps", bind="query-params", placeholder="no minimum")
max_latency = row[1].number_input("Maximum latency (ms)", min_value=0.001, value=None, step=1.0, format="%.6g",
                                  key="find_max_latency_ms", bind="query-params", placeholder="no limit",
                                  help="The latency of a whole batch at the question's batch.")
max_power = row[2].number_input("Maximum power (W)", min_value=0.001, value=None, step=1.0, format="%.6g",
                                key="find_max_power_w", bind="query-params", placeholder="no limit")
max_energy = row[3].number_input("Maximum energy per input (mJ)", min_value=0.001, value=None, step=1.0, format="%.6g",
                                 key="find_max_mj_per_input", bind="query-params", placeholder="no limit")
min_top1 = row[4].number_input("Minimum top-1 accuracy (%)", min_value=0.1, max_value=100.0, value=None, step=1.0,
                               format="%.6g", key="find_min_top1_pct", bind="query-params", placeholder="no minimum")
limits = {"find_min_fps": (min_fps, "minimum throughput"), "find_max_latency_ms": (max_latency, "maximum latency"),
          "find_max_power_w": (max_power, "maximum power"), "find_max_mj_per_input": (max_energy, "maximum energy"),
          "find_min_top1_pct": (min_top1, "minimum top-1 accuracy")}
ignored = [f"{what} ({literal(linked[key], 40)})" for key, (value, what) in limits.items()
           if value is None and unusable(linked, key)]
choices = {"find_task": ("task", {"any task", *TASKS.values(), *TASKS, ANY}),
           "find_objective": ("ranking", {*OBJECTIVE_NAMES.values(), *OBJECTIVE_NAMES})}
ignored += [f"{what} ({literal(linked[key], 40)}; the link names it as the page shows it: "
            f"{literal_list(sorted(labels), 6)})" for key, (what, labels) in choices.items()
            if key in linked and str(linked[key]) not in labels]
if ignored:
    st.warning("The link's " + ", ".join(ignored) + " could not be used and was left out.")
platforms = list(offered.platforms)
allowed = st.pills("Platforms allowed", platforms, selection_mode="multi", default=platforms, key="find_platforms",
                   bind="query-params", format_func=option_label)
if not allowed:
    st.info("Allow at least one platform to see an answer.")
    st.stop()

try:
    constraints = Constraints(
        task=None if task == ANY else task, topology=None if network == ANY else network,
        precision=None if precision == ANY else precision, min_fps=min_fps, max_latency_ms=max_latency,
        max_power_w=max_power, max_mj_per_input=max_energy,
        min_top1_pct=min_top1, platforms=None if len(allowed) == len(platforms) else tuple(allowed))
except ValueError as problem:
    st.error(f"This question cannot be asked: {literal(problem, 300)}")
    st.stop()

# --- the answer ---
view = find.view(current, constraints, objective, asked)
st.caption(f"Question: {asked.text}" + (" (what a deployment sees)." if level == "board" else
                                        " (the accelerator's own time)."))
if len(view.answer):
    st.subheader(f"{len(view.answer)} deployment(s) meet every constraint")
    answer = view.answer
    st.table(view.answer_table)
    if len(answer) > FIRST_ROWS:
        with st.expander(f"All {len(answer)} deployments (sortable)"):
            tables.draw(view.answer_sortable, key="find_answer")
    st.caption(f"Ranked by {OBJECTIVE_NAMES[objective]} ({'more' if OBJECTIVES[objective].maximize else 'less'} is "
               "better). One row per deployment (platform x precision x network variant; measured or tested) at the "
               "batch that meets every constraint with the best figure. *Evidence*: measured at that batch, or "
               "predicted by the batch-aware model where the network hold-out tested predictions like it on that "
               "platform (its 80 % band in brackets; *met at the band's low end too* when every constraint still "
               "holds there). *Why it is here* names the source of each figure.")
    weak = view.weak_bands
    if len(weak):
        st.warning("Narrower than promised: in the nested hold-out the 80 % band held only "
                   + ", ".join(f"{row.band_held_pct:.0f} % on {literal(row.platform)}" for row in weak.itertuples())
                   + " of the held-out rows: read those tested rows' bands as a lower bound on the uncertainty.",
                   icon=":material/warning:")
    download_csv("Download the answer (CSV)", view.downloads["feasible"], "deployments.csv")
elif view.considered:
    st.subheader("Nothing meets every constraint")
    st.markdown(f"The {len(view.nearest)} nearest deployment(s), each at its closest batch, with every constraint "
                "it misses and by how much (nearest: the smallest relative shortfall over all constraints).")
    nearest = view.nearest
    st.table(view.nearest_table)
    download_csv("Download the nearest misses (CSV)", view.downloads["nearest"], "nearest_deployments.csv")
    short = nearest[nearest["misses_fps"].astype(bool)]
    if len(short):
        names = literal_list(short["device"] + " " + short["precision"] + " " + short["variant"], 5)
        st.markdown(f"Throughput falls short on {names}: what bandwidth and peak would a platform need?")
        first = short.iloc[0]
        st.button(f"What would it take for {cell_text(first['device'])} {first['precision']} "
                  f"{cell_text(first['variant'])} to reach "
                  f"{readable(min_fps, 6)} inputs/s?", icon=":material/flag:", key="find_what_it_takes",
                  on_click=ask_what_it_takes, args=(str(first["device"]), str(first["precision"]),
                                                    str(first["variant"]), str(first["task"]), float(min_fps)))
else:
    st.info("No candidate lies inside the task, network, precision and platforms asked for.")

not_evidence = len(view.downloads["not_evidence"])
if not_evidence:
    with st.expander(f"Not evidence: {not_evidence} untested prediction(s) or datasheet roofline(s) "
                     "would meet every constraint"):
        st.caption("The model's figure where no hold-out tested a prediction like it (the reason says why), or the "
                   "datasheet roofline where the model has none: neither is an answer, and none is ranked above.")
        st.table(view.apart_table)
        download_csv("Download them (CSV)", view.downloads["not_evidence"], "not_evidence.csv")

dropped = view.gone.num_rows
st.caption(f"Judged: {view.considered} deployment(s) inside the task, network, precision and platforms asked "
           f"for. Left out: {dropped} candidate row(s) that cannot be judged"
           + (", listed below with the reason." if dropped else "."))
if dropped:
    with st.expander(f"Left out: {dropped} row(s) and why"):
        st.dataframe(view.reasons, hide_index=True, key="find_reasons",
                     column_config={"reason": "Reason", "rows": "Rows"})
        st.dataframe(view.gone, hide_index=True, key="find_dropped", placeholder="",
                     column_config={c: HEADERS.get(c, "Reason") for c in view.gone.column_names})

# --- the chart ---
st.subheader("The candidates on two axes")
limits = {limit.column: (bound, limit.minimum) for limit, bound in constraints.limits()}
axes = st.columns(2)
x_choice = axes[0].selectbox("Horizontal axis", [AUTO, *AXES], key="find_x", bind="query-params",
                             format_func=lambda c: "automatic: a constrained figure" if c == AUTO else AXES[c],
                             help="Automatic: power, latency or energy, whichever is constrained (power if none).")
y_choice = axes[1].selectbox("Vertical axis", [AUTO, *AXES], key="find_y", bind="query-params",
                             format_func=lambda c: "automatic: a constrained figure" if c == AUTO else AXES[c],
                             help="Automatic: throughput or accuracy, whichever is constrained (throughput if none).")
x_field, y_field = resolve_axes(x_choice, y_choice, limits)
if x_field == y_field:
    st.info("Choose two different figures for the axes.")
    st.stop()
points, chart, placed = find.chart(current, constraints, objective, asked, x_field, y_field)
st.vega_lite_chart(chart, key="find_chart")
constrained = [AXES[c].split(" (")[0].lower() for c in (x_field, y_field) if c in limits]
st.caption(
    f"Every judged candidate at every batch: {placed} of {len(points)} placed"
    + (f" ({len(points) - placed} lack one of the two figures)." if placed < len(points) else ".")
    + " Colour: the platform. Strength: solid where a point meets every constraint (ringed black: the answer, at "
    "its best batch), half where it would meet but is not evidence (untested or a roofline), faint where it misses "
    "one (ringed orange: the nearest misses)."
    + (f" Shaded: what the constraints on {' and '.join(constrained)} allow; the dashed lines are those limits."
       if constrained else " Neither axis is constrained: nothing shaded.")
    + (" Bars through triangles: a tested prediction's 80 % held-out band." if "fps" in (x_field, y_field)
       else "") + " Diamonds: the model's untested figures; squares: the datasheet roofline (neither is evidence)."
)
