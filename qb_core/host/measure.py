"""Measure a network on this machine with onnxruntime, as rows of the project's measurement schema.

Why: the bundled measurements come from boards most users do not have; this puts the machine at
hand beside them, measured the way QuTiBench measures (latency per batch at two levels, throughput
from it), so every measurement page and the batch-aware model can read it.

What one run of a batch times (:func:`measure_onnx`)
---------------------------------------------------
- **accelerator** (``lat_comp_ms``): the ``session.run`` call alone;
- **board** (``lat_sys_ms``): input preparation (random input generation and its copy into a
  contiguous array), the run, and the copy of every output: what a caller of the model waits for.

Each batch runs ``warmup`` times untimed, then ``runs`` times timed; the row's latency is the
median (p50, also p90 and p99: linear interpolation between runs, so p50 <= p90 <= p99) and its
throughput batch / median latency (inputs/s). Not measured: accuracy (random weights and inputs:
``top1_pct`` stays empty, level ``l2`` = QuTiBench's "compute and data movements"), power (only
what the caller gives as ``power_w``, as full power; never estimated), anything before the session
exists (loading, graph optimisation, quantization), the first run's allocations (warm-up).

INT8: the same graph quantized statically (``onnxruntime.quantization.quantize_static``, QDQ,
activations uint8 and weights int8 per channel, MinMax ranges from two random inputs), which
onnxruntime fuses into QLinearConv and QGemm, the kernels a quantized CNN runs on a CPU. Dynamic
quantization was not chosen: it turns convolutions into ConvInteger with a quantization of the
activations at run time, 4.5x slower than FP32 for CNV here, which would measure the quantizer
rather than INT8 inference. Random calibration makes the ranges meaningless for accuracy; speed does
not depend on them.
"""

from __future__ import annotations

import gc
import logging
import math
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np
import pandas as pd

from qb_core.csv_io import to_csv_safe
from qb_core.host.roofline import HostInfo, default_threads, host_info, host_platform_name, onnx_session
from qb_core.measurements.dataset import TIDY_COLUMNS, config_label, ops_per_input
from qb_core.measurements.row_checks import VALID_RANGES
from qb_core.networks.files import read_network_bytes
from qb_core.networks.imported import NetworkFileError
from qb_core.networks.layer_models import task_of
from qb_core.units import ms_from_s, throughput_of

__all__ = ["CONTRIBUTION_COLUMNS", "MEASURE_COLUMNS", "MEASURE_EXTRA_COLUMNS", "MEASURED_LEVEL", "MeasureError",
           "MeasureResult", "measure_onnx", "to_contribution_csv"]

#: QuTiBench's abstraction level of these rows: l2 = "compute and data movements" (no accuracy).
MEASURED_LEVEL = "l2"
PRECISIONS = ("FP32", "INT8")
#: Percentiles of each latency, in the extra columns.
PERCENTILES = (50, 90, 99)
MEASURE_EXTRA_COLUMNS: tuple[str, ...] = (
    *(f"lat_sys_p{p}_ms" for p in PERCENTILES), *(f"lat_comp_p{p}_ms" for p in PERCENTILES),
    "runs", "threads", "provider", "onnxruntime_version", "host",
)
#: The tidy schema (``data/measurements.csv``) followed by the extra columns.
MEASURE_COLUMNS: tuple[str, ...] = (*TIDY_COLUMNS, *MEASURE_EXTRA_COLUMNS)
#: The QuTiBench contribution template's header plus ``lat-sys`` (which its importer reads too).
CONTRIBUTION_COLUMNS: tuple[str, ...] = (
    "NN_Topology", "HWType", "Precision", "Op mode", "batch/thread/stream", "lat-sys", "lat-comp", "fps-system",
    "fps-comp", "tp-system", "tp-comp", "top1 [%]", "top5 [%]", "BasePWR [W]", "IdlePWR [W]", "FullPwr [W]", "GOPS",
    "PruningFactor", "level",
)
_NUMPY_TYPES = {"tensor(float)": np.float32, "tensor(float16)": np.float16, "tensor(double)": np.float64,
                "tensor(uint8)": np.uint8, "tensor(int8)": np.int8}

Progress = Callable[[int, int, str], None] | None
Stop = Callable[[], bool] | None


class MeasureError(ValueError):
    """A measurement cannot start (bad arguments, a model onnxruntime cannot load): one line."""


@dataclass(frozen=True)
class MeasureResult:
    """Rows (:data:`MEASURE_COLUMNS`, one per measured batch), one line per batch not measured
    (``skipped``: which and why), notes (what was assumed or done), whether ``stop()`` ended the run,
    and the host the rows were measured on."""

    rows: pd.DataFrame
    skipped: tuple[str, ...]
    notes: tuple[str, ...]
    stopped: bool
    host: HostInfo = field(repr=False)


@dataclass(frozen=True)
class _Input:
    name: str
    dtype: type
    shape: tuple[int, ...]  # without the batch


# --- arguments and the session ----------------------------------------------------------------

def _checked_batches(batches: Sequence[int]) -> list[int]:
    try:
        values = [int(b) for b in batches]
    except (TypeError, ValueError):
        raise MeasureError(f"batches must be whole numbers, got {list(batches)!r}") from None
    if not values or any(b < 1 or b != f for b, f in zip(values, batches, strict=True)):
        raise MeasureError(f"batches must be one or more whole numbers of at least 1, got {list(batches)!r}")
    return sorted(set(values))


def _check_arguments(runs: int, warmup: int, threads: int | None, precision: str, budget_s: float,
                     power_w: float | None) -> None:
    if not isinstance(runs, Integral) or runs < 1:
        raise MeasureError(f"runs must be a whole number of at least 1, got {runs!r}")
    if not isinstance(warmup, Integral) or warmup < 0:
        raise MeasureError(f"warmup must be a whole number of 0 or more, got {warmup!r}")
    if threads is not None and (not isinstance(threads, Integral) or threads < 1):
        raise MeasureError(f"threads must be a whole number of at least 1 (or None: every CPU), got {threads!r}")
    if precision not in PRECISIONS:
        raise MeasureError(f"precision must be one of {', '.join(PRECISIONS)} on this host, got {precision!r}")
    if not (isinstance(budget_s, Real) and math.isfinite(budget_s) and budget_s > 0):
        raise MeasureError(f"the time budget must be a number of seconds above 0, got {budget_s!r}")
    low, high, _ = VALID_RANGES["full_power_w"]
    if power_w is not None and not (isinstance(power_w, Real) and low < power_w <= high):
        raise MeasureError(f"power must be a measured number of watts in ({low:g}, {high:g}], got {power_w!r}")


def _load(model_bytes: bytes):
    import onnx

    if not model_bytes:
        raise MeasureError("the model is empty")
    try:
        return onnx.load_from_string(bytes(model_bytes))
    except Exception as exc:  # whatever the decoder raises, the bytes are not a model
        raise MeasureError(f"not a readable ONNX model ({_one_line(exc)})") from None


def _one_line(exc: BaseException, limit: int = 200) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[:limit] + "..."


def _session(model_bytes: bytes, threads: int, provider: str):
    import onnxruntime as ort

    available = ort.get_available_providers()
    if provider not in available:
        raise MeasureError(f"provider {provider!r} is not available here; available: {', '.join(available)}")
    try:
        return onnx_session(model_bytes, threads, provider)
    except Exception as exc:  # onnxruntime's own exception types: the model cannot run here
        raise MeasureError(f"onnxruntime cannot load the model: {_one_line(exc)}") from None


def _inputs(session) -> list[_Input]:
    """The model's inputs: the first dimension is the batch, every other must be fixed."""
    found = []
    for item in session.get_inputs():
        dtype = _NUMPY_TYPES.get(item.type)
        if dtype is None:
            raise MeasureError(f"input {item.name!r} is {item.type}; measuring needs float or 8-bit inputs")
        rest = tuple(item.shape[1:])
        if not item.shape or any(not isinstance(d, int) or d < 1 for d in rest):
            raise MeasureError(f"input {item.name!r} has shape {list(item.shape)}: every dimension but the first "
                               "(the batch) must be fixed; export the model with a fixed input size")
        found.append(_Input(item.name, dtype, rest))
    return found


def _random_feeds(inputs: list[_Input], batch: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Random inputs for one batch, each copied into a contiguous array of its own (part of the
    board latency)."""
    feeds = {}
    for item in inputs:
        shape = (batch, *item.shape)
        if np.issubdtype(item.dtype, np.floating):
            values = rng.standard_normal(shape, dtype=np.float32)
        else:
            info = np.iinfo(item.dtype)
            values = rng.integers(info.min, info.max, shape, dtype=item.dtype, endpoint=True)
        feed = np.empty(shape, dtype=item.dtype)
        np.copyto(feed, values, casting="unsafe")
        feeds[item.name] = feed
    return feeds


# --- INT8 -------------------------------------------------------------------------------------

def _quantized(model, session_inputs: list[_Input]) -> bytes:
    """The model quantized statically to QDQ (uint8 activations, int8 per-channel weights, MinMax
    ranges from two random inputs of batch 1): see the module notes for why."""
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

    class _Random(CalibrationDataReader):
        def __init__(self) -> None:
            self.rng, self.left = np.random.default_rng(1), 2

        def get_next(self):
            self.left -= 1
            return _random_feeds(session_inputs, 1, self.rng) if self.left >= 0 else None

    # The quantizer advises pre-processing through logging.warning, which would also give the root
    # logger a stderr handler for good (basicConfig) if it had none: silenced, and no handler left.
    previous = logging.root.manager.disable
    guard = logging.NullHandler() if not logging.root.handlers else None
    if guard is not None:
        logging.root.addHandler(guard)
    logging.disable(logging.WARNING)
    try:
        with tempfile.TemporaryDirectory(prefix="qb_int8_") as folder:
            path = os.path.join(folder, "int8.onnx")
            quantize_static(model, path, _Random(), quant_format=QuantFormat.QDQ, per_channel=True,
                            activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)
            with open(path, "rb") as handle:
                return handle.read()
    except MeasureError:
        raise
    except Exception as exc:  # the quantizer's failures come in many types
        raise MeasureError(f"the model could not be quantized to INT8: {_one_line(exc)}") from None
    finally:
        logging.disable(previous)
        if guard is not None:
            logging.root.removeHandler(guard)


# --- the measurement --------------------------------------------------------------------------

@dataclass
class _Clock:
    """The run's budget, ``stop()`` and progress, checked between runs."""

    deadline: float
    budget_s: float
    stop: Stop
    progress: Progress
    total: int
    done: int = 0
    stopped: bool = False

    def may_run(self) -> bool:
        if self.stop is not None and self.stop():
            self.stopped = True
        return not self.stopped and time.perf_counter() <= self.deadline

    def tick(self, text: str) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total, text)


def _measure_batch(session, inputs: list[_Input], batch: int, runs: int, warmup: int, clock: _Clock,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, int]:
    """(board seconds, accelerator seconds, runs done) of the timed runs of one batch."""
    board, accelerator = np.empty(runs), np.empty(runs)
    for index in range(warmup + runs):
        if not clock.may_run():
            return board, accelerator, max(0, index - warmup)
        start = time.perf_counter()
        feeds = _random_feeds(inputs, batch, rng)
        begin = time.perf_counter()
        outputs = session.run(None, feeds)
        end = time.perf_counter()
        copies = [np.array(o, copy=True) for o in outputs]
        finish = time.perf_counter()
        del copies, outputs, feeds
        if index >= warmup:
            board[index - warmup], accelerator[index - warmup] = finish - start, end - begin
        clock.tick(f"batch {batch}: warm-up {index + 1} of {warmup}" if index < warmup
                   else f"batch {batch}: run {index + 1 - warmup} of {runs}")
    return board, accelerator, runs


def _row_figures(batch: int, board: np.ndarray, accelerator: np.ndarray) -> dict[str, float]:
    """Latencies in ms (p50, p90, p99 of each level; the row's latency is the median) and
    throughput = batch / median latency (inputs/s)."""
    sys_ms, comp_ms = np.percentile(ms_from_s(board), PERCENTILES), np.percentile(ms_from_s(accelerator), PERCENTILES)
    figures = {f"lat_sys_p{p}_ms": v for p, v in zip(PERCENTILES, sys_ms, strict=True)}
    figures |= {f"lat_comp_p{p}_ms": v for p, v in zip(PERCENTILES, comp_ms, strict=True)}
    figures |= {"lat_sys_ms": sys_ms[0], "lat_comp_ms": comp_ms[0],
                "fps_system": float(throughput_of(batch, sys_ms[0])),
                "fps_comp": float(throughput_of(batch, comp_ms[0])), "runs": len(board)}
    return figures


def _ops_per_input(topology: str, pruning_pct: float, fp32_bytes: bytes, notes: list[str]) -> float:
    """The data set's count for a known network (layer model or published total, as the importer
    derives it), else the model's own count from its import (:mod:`qb_core.networks.onnx_import`)."""
    known = ops_per_input(pd.Series([topology]), pd.Series([float(pruning_pct)])).iloc[0]
    if np.isfinite(known):
        return float(known)

    try:
        counted = read_network_bytes(fp32_bytes, "model.onnx", input_shapes=None)
    except NetworkFileError as exc:
        notes.append(f"operations per input unknown ({_one_line(exc, 120)}): throughput in ops/s left empty")
        return math.nan
    notes.append(f"operations per input counted from the model: {int(counted.layers['ops'].sum()):,}")
    return float(counted.layers["ops"].sum())


def measure_onnx(model_bytes: bytes, batches: list[int], runs: int, warmup: int, threads: int | None,
                 provider: str = "CPUExecutionProvider", precision: str = "FP32", budget_s: float = 60.0,
                 progress: Progress = None, stop: Stop = None, *, topology: str | None = None,
                 pruning_pct: float = 100.0, task: str | None = None, power_w: float | None = None,
                 seed: int = 0, on_rows: Callable[[pd.DataFrame], None] | None = None) -> MeasureResult:
    """Run an ONNX model with onnxruntime at each of ``batches`` and return one row per batch
    measured (module notes: what is timed at each level, what is not measured).

    ``threads``: onnxruntime's intra-op threads (None: every CPU this process may use);
    ``precision``: FP32 (the model as it is) or INT8 (quantized here first); ``budget_s`` bounds the
    whole call: a batch the budget cannot finish (estimated from the previous batch, or cut between
    runs) is skipped and said so, the rows already measured are kept; ``stop()`` is checked between
    runs and ends the call the same way; ``progress(done, total, text)`` follows every run.
    ``topology``/``pruning_pct``/``task`` name the network in the rows (default: the graph's name,
    100, the topology's task); ``power_w`` is a full-power figure the caller measured; ``on_rows``
    receives each batch's row as soon as it is measured (a caller that may be interrupted keeps them).

    A batch onnxruntime refuses (a fixed batch size, memory) is one line in ``skipped`` and the
    others go on; anything that stops the whole measurement raises :class:`MeasureError`.
    """
    start = time.perf_counter()
    wanted = _checked_batches(batches)
    _check_arguments(runs, warmup, threads, precision, budget_s, power_w)
    model_bytes = bytes(model_bytes)
    model = _load(model_bytes)
    threads = threads or default_threads()
    name = (topology or model.graph.name or "network").strip() or "network"
    notes: list[str] = []
    session = _session(model_bytes, threads, provider)
    inputs = _inputs(session)
    if precision == "INT8":
        began = time.perf_counter()
        session = _session(_quantized(model, inputs), threads, provider)
        inputs = _inputs(session)
        notes.append(f"INT8: quantized statically to QDQ (uint8 activations, int8 per-channel weights, random "
                     f"calibration) in {time.perf_counter() - began:.1f} s, not timed")
    ops = _ops_per_input(name, pruning_pct, model_bytes, notes)
    clock = _Clock(start + budget_s, budget_s, stop, progress, len(wanted) * (warmup + runs))
    def to_rows(measured: list[dict[str, object]]) -> pd.DataFrame:
        return _rows(measured, name, pruning_pct, task, precision, power_w, ops, threads, provider)

    emit = None if on_rows is None else (lambda figures: on_rows(to_rows([figures])))
    measured, skipped = _measure_batches(session, inputs, wanted, int(runs), int(warmup), clock, seed, emit)
    rows = to_rows(measured)
    return MeasureResult(rows, tuple(skipped), tuple(notes), clock.stopped, host_info())


def _measure_batches(session, inputs: list[_Input], wanted: list[int], runs: int, warmup: int, clock: _Clock,
                     seed: int, on_batch: Callable[[dict[str, object]], None] | None = None,
                     ) -> tuple[list[dict[str, object]], list[str]]:
    """Each batch in turn (garbage collection off while timing): its figures, handed to
    ``on_batch`` as soon as measured, or why it was not measured. A batch whose estimate (the
    previous batch's board time per input x batch x runs) exceeds the budget left is not started."""
    rng = np.random.default_rng(seed)
    measured: list[dict[str, object]] = []
    skipped: list[str] = []
    per_input_s = math.nan  # board seconds per input of the last batch measured
    budget = f"the {clock.budget_s:g} s budget"
    gc_was_enabled = gc.isenabled()
    gc.disable()  # no collection pauses inside the timed runs
    try:
        for batch in wanted:
            left = clock.deadline - time.perf_counter()
            estimate = per_input_s * batch * (warmup + runs)
            if not clock.may_run():
                skipped.append(f"batch {batch}: not measured: " + ("stopped" if clock.stopped else f"{budget} ran out"))
                continue
            if estimate > left:
                skipped.append(f"batch {batch}: not measured: it would take about {estimate:.1f} s and {left:.1f} s "
                               f"of {budget} are left")
                continue
            try:
                board, accelerator, done = _measure_batch(session, inputs, batch, runs, warmup, clock, rng)
            except Exception as exc:  # onnxruntime refuses this batch (shape, memory): the others go on
                skipped.append(f"batch {batch}: onnxruntime refused it: {_one_line(exc)}")
                continue
            finally:
                gc.collect()
            if done < runs:
                why = "stopped" if clock.stopped else f"{budget} ran out"
                skipped.append(f"batch {batch}: not measured: {why} after {done} of {runs} runs")
                continue
            measured.append({"batch": batch, **_row_figures(batch, board, accelerator)})
            per_input_s = float(np.median(board)) / batch
            if on_batch is not None:
                on_batch(measured[-1])
    finally:
        if gc_was_enabled:
            gc.enable()
    return measured, skipped


def _rows(measured: list[dict[str, object]], topology: str, pruning_pct: float, task: str | None, precision: str,
          power_w: float | None, ops: float, threads: int, provider: str) -> pd.DataFrame:
    """The measured batches in :data:`MEASURE_COLUMNS`, derived columns as the importer derives them."""
    info = host_info()
    frame = pd.DataFrame(measured, columns=["batch", *(c for c in MEASURE_COLUMNS if c.startswith(("lat_", "fps_"))),
                                            "runs"])
    count = len(frame)
    platform = host_platform_name(info)
    frame = frame.assign(
        task=task or task_of(pd.Series([topology])).iloc[0], topology=topology, pruning_pct=float(pruning_pct),
        platform=platform, op_mode="", device=platform, family="CPU", precision=precision,
        top1_pct=np.nan, top5_pct=np.nan, base_power_w=np.nan, idle_power_w=np.nan,
        full_power_w=np.nan if power_w is None else float(power_w), ops_per_input=ops,
        level=MEASURED_LEVEL, source_line=np.arange(2, count + 2, dtype=np.int64), threads=threads,
        provider=provider, onnxruntime_version=info.onnxruntime_version, host=info.description,
    )
    frame["batch"] = frame["batch"].astype(np.int64)
    frame["runs"] = frame["runs"].astype(np.int64)
    frame["tp_system_ops_per_s"] = frame["fps_system"] * ops
    frame["tp_comp_ops_per_s"] = frame["fps_comp"] * ops
    frame["config"] = config_label(frame["device"], frame["precision"], frame["pruning_pct"],
                                   frame["topology"]).astype(str) if count else pd.Series(dtype=str)
    return frame[list(MEASURE_COLUMNS)].reset_index(drop=True)


def to_contribution_csv(rows: pd.DataFrame) -> str:
    """Measured rows (:data:`MEASURE_COLUMNS`, or any frame with the tidy schema's columns) as a
    QuTiBench contribution CSV (:data:`CONTRIBUTION_COLUMNS`), which
    :func:`qb_core.measurements.dataset.read_any` reads back to the same figures.

    Notes
    -----
    tp-system and tp-comp are in GOP/s = fps x ops per input / 1e9, GOPS the operations per input in
    G (QuTiBench's columns; the importer recomputes its own from fps). PruningFactor is written
    ``12.5%``. Text cells starting with ``=``, ``+``, ``-``, ``@`` are escaped with a leading ``'``
    (:func:`qb_core.csv_io.to_csv_safe`); the QuTiBench reader keeps that ``'``, so such a name
    comes back with it.
    """
    missing = [c for c in TIDY_COLUMNS if c not in rows.columns]
    if missing:
        raise ValueError(f"rows lack the column(s) {', '.join(missing)} of the measurement schema")
    ops = rows["ops_per_input"].astype(float)
    table = pd.DataFrame({
        "NN_Topology": rows["topology"].astype(str), "HWType": rows["platform"].astype(str),
        "Precision": rows["precision"].astype(str), "Op mode": rows["op_mode"].fillna("").astype(str),
        "batch/thread/stream": rows["batch"].astype(np.int64), "lat-sys": rows["lat_sys_ms"],
        "lat-comp": rows["lat_comp_ms"], "fps-system": rows["fps_system"], "fps-comp": rows["fps_comp"],
        "tp-system": rows["fps_system"] * ops / 1e9, "tp-comp": rows["fps_comp"] * ops / 1e9,
        "top1 [%]": rows["top1_pct"], "top5 [%]": rows["top5_pct"], "BasePWR [W]": rows["base_power_w"],
        "IdlePWR [W]": rows["idle_power_w"], "FullPwr [W]": rows["full_power_w"], "GOPS": ops / 1e9,
        "PruningFactor": rows["pruning_pct"].astype(float).map(lambda p: f"{p:g}%"),
        "level": rows["level"].fillna("").astype(str),
    })
    return to_csv_safe(table[list(CONTRIBUTION_COLUMNS)])
