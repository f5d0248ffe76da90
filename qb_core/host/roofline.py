"""This machine as a platform: what it is (CPU, cores, clock, caches), and its roofline measured.

Why: "measure it yourself" needs the host beside the bundled boards, with a roof to compare its
measurements against. Two figures make a roofline (:mod:`qb_core.roofline_formulas`), measured here:

- **peak ops/s** per precision: a dense MatMul (n x n by n x n: 2 n^3 ops, 2 per multiply-accumulate)
  and a 3x3 Conv (2 x H x W x C_out x 9 x C_in ops) through onnxruntime on every thread given,
  sizes large enough to be compute-bound (n = 2048: 17 G ops per run); FP32 with MatMul and Conv,
  INT8 with MatMulInteger (uint8 x int8 -> int32) and QLinearConv (the operator a quantized CNN
  runs). The best run of each counts; the peak is the better operator's.
- **memory bandwidth**: a STREAM-like triad a = b + s x c over float64 arrays far larger than the
  last-level cache (>= 8 x its size, at least 64 MB each), done with numpy in cache-sized blocks
  (so each element is read from memory once and written once, as in STREAM) on the same threads;
  bytes counted as STREAM counts them: 3 arrays x 8 bytes per element (the write-allocate read of
  ``a`` is not counted), best of the repeats. GB/s = 1e9 bytes/s.

Beside them, the **theoretical** figures where the CPU says enough (:func:`theoretical_peaks`):
cores x clock x FMA units x vector lanes x 2 ops.
"""

from __future__ import annotations

import math
import os
import platform
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from qb_core.units import above, gops_text

__all__ = ["HostInfo", "HostRoofline", "TriadResult", "default_threads", "host_info", "host_platform_name",
           "measure_host_roofline", "onnx_session", "stream_triad", "theoretical_peaks", "to_platform_row"]

CPUINFO = Path("/proc/cpuinfo")
MEMINFO = Path("/proc/meminfo")
CPU0 = Path("/sys/devices/system/cpu/cpu0")
#: Triad arrays: at least this many times the last-level cache, and at least this many bytes, each.
TRIAD_LLC_MULTIPLE = 8
TRIAD_MIN_BYTES = 64_000_000
#: Block of the triad that stays in the caches between its multiply and its add (elements).
TRIAD_BLOCK = 65_536
#: FMA units per core the theoretical peak assumes (every x86 server core since Haswell has two).
FMA_UNITS = 2

Progress = Callable[[int, int, str], None] | None
Stop = Callable[[], bool] | None


# --- what this machine is ---------------------------------------------------------------------

@dataclass(frozen=True)
class HostInfo:
    """Facts about this machine, each with where it came from."""

    cpu_model: str
    vendor: str
    cpu_family: int | None
    logical_cpus: int
    physical_cores: int
    clock_ghz: float | None
    clock_source: str
    flags: frozenset[str] = field(repr=False)
    llc_bytes: int | None
    llc_source: str
    memory_gb: float | None
    onnxruntime_version: str

    @property
    def description(self) -> str:
        """One line: ``AMD EPYC, 2 cores (2 logical CPUs), 2.60 GHz, LLC 32 MiB, 23.4 GB, onnxruntime 1.30.0``."""
        clock = f"{self.clock_ghz:.2f} GHz" if self.clock_ghz else "clock unknown"
        llc = f"LLC {self.llc_bytes / 2**20:g} MiB" if self.llc_bytes else "LLC unknown"
        memory = f"{self.memory_gb:.1f} GB" if self.memory_gb else "memory unknown"
        return (f"{self.cpu_model}, {self.physical_cores} cores ({self.logical_cpus} logical CPUs), {clock}, {llc}, "
                f"{memory}, onnxruntime {self.onnxruntime_version}")


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


def _cpuinfo_blocks(text: str) -> list[dict[str, str]]:
    blocks = []
    for block in text.strip().split("\n\n"):
        fields = {}
        for line in block.splitlines():
            key, sep, value = line.partition(":")
            if sep:
                fields[key.strip()] = value.strip()
        if fields:
            blocks.append(fields)
    return blocks


def _size_bytes(text: str) -> int | None:
    """``32768K`` / ``1M`` / ``512`` (sysfs cache sizes, binary units) -> bytes."""
    match = re.fullmatch(r"\s*(\d+)\s*([KMG]?)\s*B?\s*", text, flags=re.IGNORECASE)
    if not match:
        return None
    return int(match.group(1)) * {"": 1, "K": 2**10, "M": 2**20, "G": 2**30}[match.group(2).upper()]


def _llc() -> tuple[int | None, str]:
    """The last-level cache (highest level, data or unified) from sysfs, and where that came from."""
    best: tuple[int, int, str] | None = None
    for index in sorted((CPU0 / "cache").glob("index*")):
        kind = _read(index / "type").strip()
        level = _read(index / "level").strip()
        size = _size_bytes(_read(index / "size"))
        if kind in ("Unified", "Data") and level.isdigit() and size and (best is None or int(level) > best[0]):
            best = (int(level), size, f"{index}: L{level} {_read(index / 'size').strip()}")
    if best is None:
        return None, "cache size not reported (no /sys/devices/system/cpu/cpu0/cache)"
    return best[1], best[2]


def _clock(blocks: list[dict[str, str]]) -> tuple[float | None, str]:
    max_khz = _read(CPU0 / "cpufreq" / "cpuinfo_max_freq").strip()
    if max_khz.isdigit():
        return int(max_khz) / 1e6, "cpufreq cpuinfo_max_freq"
    mhz = [float(b["cpu MHz"]) for b in blocks if re.fullmatch(r"[\d.]+", b.get("cpu MHz", ""))]
    if mhz:
        return max(mhz) / 1e3, "/proc/cpuinfo cpu MHz (the current clock; no cpufreq maximum reported)"
    return None, "no clock reported"


def default_threads() -> int:
    """Threads a run uses when none are given: every CPU this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


@lru_cache(maxsize=1)
def host_info() -> HostInfo:
    """This machine's facts, read once: /proc/cpuinfo (model, vendor, family, cores, flags), sysfs
    (max clock, last-level cache), /proc/meminfo, else :mod:`platform`."""
    blocks = _cpuinfo_blocks(_read(CPUINFO))
    first = blocks[0] if blocks else {}
    model = first.get("model name") or platform.processor() or platform.machine() or "unknown CPU"
    cores = {(b.get("physical id", "0"), b["core id"]) for b in blocks if "core id" in b}
    logical = sum("processor" in b for b in blocks) or os.cpu_count() or 1
    family = first.get("cpu family", "")
    clock, clock_source = _clock(blocks)
    llc, llc_source = _llc()
    memory = re.search(r"MemTotal:\s*(\d+)\s*kB", _read(MEMINFO))
    try:
        import onnxruntime

        version = onnxruntime.__version__
    except ImportError:  # pragma: no cover - onnxruntime is a dependency
        version = "not installed"
    return HostInfo(
        cpu_model=re.sub(r"\s+", " ", model).strip(), vendor=first.get("vendor_id", ""),
        cpu_family=int(family) if family.isdigit() else None, logical_cpus=logical,
        physical_cores=len(cores) or logical, clock_ghz=clock, clock_source=clock_source,
        flags=frozenset(first.get("flags", "").split()), llc_bytes=llc, llc_source=llc_source,
        memory_gb=int(memory.group(1)) * 1024 / 1e9 if memory else None, onnxruntime_version=version)


def host_platform_name(info: HostInfo | None = None) -> str:
    """``Host-<cpu short name>``: the model without trademarks, "CPU", "Processor" and the clock,
    spaces as hyphens, at most 45 characters (``Host-AMD-EPYC``, ``Host-Intel-Xeon-Platinum-8370C``)."""
    info = info or host_info()
    name = re.sub(r"\((R|TM|C)\)|\bCPU\b|\bProcessor\b|@.*$|\d+-Core|with .*$", " ", info.cpu_model,
                  flags=re.IGNORECASE)
    name = re.sub(r"[^A-Za-z0-9.]+", "-", name).strip("-") or "CPU"
    return f"Host-{name}"[:45].rstrip("-")


def _vendor_short(vendor: str) -> str:
    return {"AuthenticAMD": "AMD", "GenuineIntel": "Intel"}.get(vendor, vendor or "unknown")


def theoretical_peaks(info: HostInfo | None = None, cores: int | None = None) -> tuple[float | None, float | None,
                                                                                         str]:
    """(FP32 TOP/s, INT8 TOP/s, the assumptions in words) from what the CPU reports; None where it
    reports too little (no clock).

    Notes
    -----
    FP32 = cores x clock x FMA units x (vector bits / 32) x 2 (one FMA = 2 ops);
    INT8 = cores x clock x FMA units x (vector bits / 8) x 2, with AVX-512 VNNI or AVX-VNNI (one
    VPDPBUSD multiplies and adds 4 bytes per 32-bit lane), half that without.

    Vector bits: 512 with avx512f, 256 with avx2, 128 otherwise; AMD family 25 (Zen 4) runs its
    512-bit instructions on 256-bit units, so 256. FMA units: 2 per core (an assumption: not
    reported by the CPU). Cores: physical cores (SMT threads share the units). Clock: the maximum
    from cpufreq, else /proc/cpuinfo's current MHz (under a hypervisor often the nominal clock, not
    the turbo one).
    """
    info = info or host_info()
    cores = cores or info.physical_cores
    if not info.clock_ghz:
        return None, None, "no clock reported: no theoretical peak"
    bits = 512 if "avx512f" in info.flags else 256 if "avx2" in info.flags else 128
    note = ""
    if bits == 512 and info.vendor == "AuthenticAMD" and info.cpu_family == 25:
        bits, note = 256, " (Zen 4: AVX-512 on 256-bit units)"
    fma = 2 if "fma" in info.flags else 1
    vnni = bool({"avx512_vnni", "avx_vnni"} & info.flags)
    per_cycle = info.clock_ghz * 1e9 * cores * FMA_UNITS
    fp32 = per_cycle * bits / 32 * fma / 1e12
    int8 = per_cycle * bits / 8 * 2 * (1.0 if vnni else 0.5) / 1e12
    words = (f"{cores} cores x {info.clock_ghz:.2f} GHz ({info.clock_source}) x {FMA_UNITS} FMA units (assumed) x "
             f"{bits}-bit vectors{note}; FP32 {bits // 32} lanes x {fma} ops; INT8 {bits // 8} byte MACs x 2 ops"
             f"{' (VNNI)' if vnni else ' at half rate (no VNNI)'}")
    return fp32, int8, words


# --- the roofline -----------------------------------------------------------------------------

@dataclass(frozen=True)
class TriadResult:
    """One triad measurement: GB/s (3 x 8 bytes per element), elements per array, best seconds."""

    gbps: float
    elements: int
    seconds: float
    threads: int
    correct: bool


@dataclass(frozen=True)
class HostRoofline:
    """This machine's measured roofline (TOP/s = 1e12 ops/s, GB/s = 1e9 bytes/s; None = not
    measured: see ``notes``), the theoretical figures and the facts behind them."""

    host: HostInfo
    platform: str
    threads: int
    fp32_matmul_tops: float | None
    fp32_conv_tops: float | None
    int8_matmul_tops: float | None
    int8_conv_tops: float | None
    triad: TriadResult | None
    theoretical_fp32_tops: float | None
    theoretical_int8_tops: float | None
    assumptions: str
    notes: tuple[str, ...] = field(default=())
    stopped: bool = False

    @property
    def peak_fp32_tops(self) -> float | None:
        return _best(self.fp32_matmul_tops, self.fp32_conv_tops)

    @property
    def peak_int8_tops(self) -> float | None:
        return _best(self.int8_matmul_tops, self.int8_conv_tops)

    def peaks(self) -> tuple[tuple[str, float | None, float | None], ...]:
        """(precision, measured peak TOP/s, theoretical peak TOP/s) for FP32 and INT8."""
        return (("FP32", self.peak_fp32_tops, self.theoretical_fp32_tops),
                ("INT8", self.peak_int8_tops, self.theoretical_int8_tops))

    @property
    def bandwidth_gbps(self) -> float | None:
        return self.triad.gbps if self.triad else None


def _best(*values: float | None) -> float | None:
    known = [v for v in values if v is not None]
    return max(known) if known else None


def onnx_session(model_bytes: bytes, threads: int, provider: str = "CPUExecutionProvider"):
    """An onnxruntime session as every measurement here runs one: ``threads`` intra-op threads,
    one inter-op thread, sequential execution, every graph optimisation, warnings only."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    return ort.InferenceSession(model_bytes, options, providers=[provider])


def _session(model, threads: int):
    return onnx_session(model.SerializeToString(), threads)


def _model(nodes, inputs, outputs, inits):
    from onnx import helper

    graph = helper.make_graph(nodes, "roofline", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


def _matmul(n: int, int8: bool, rng: np.random.Generator):
    """(model, feeds, ops per run) of an n x n by n x n product."""
    from onnx import TensorProto, helper, numpy_helper

    if int8:
        b = numpy_helper.from_array(rng.integers(-64, 64, (n, n), dtype=np.int8), "b")
        nodes = [helper.make_node("MatMulInteger", ["a", "b"], ["y"])]
        a = rng.integers(0, 128, (n, n), dtype=np.uint8)
        types = (TensorProto.UINT8, TensorProto.INT32)
    else:
        b = numpy_helper.from_array(rng.standard_normal((n, n), dtype=np.float32), "b")
        nodes = [helper.make_node("MatMul", ["a", "b"], ["y"])]
        a = rng.standard_normal((n, n), dtype=np.float32)
        types = (TensorProto.FLOAT, TensorProto.FLOAT)
    model = _model(nodes, [helper.make_tensor_value_info("a", types[0], [n, n])],
                   [helper.make_tensor_value_info("y", types[1], [n, n])], [b])
    return model, {"a": a}, 2 * n**3


def _conv(channels: int, side: int, int8: bool, rng: np.random.Generator):
    """(model, feeds, ops per run) of a 3x3 conv, ``channels`` in and out, "same" padding."""
    from onnx import TensorProto, helper, numpy_helper

    shape = [1, channels, side, side]
    attrs = {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1]}
    if int8:
        inits = [numpy_helper.from_array(rng.integers(-64, 64, (channels, channels, 3, 3), dtype=np.int8), "w"),
                 *(numpy_helper.from_array(np.array(v, dtype=t), n) for n, v, t in (
                     ("xs", 0.02, np.float32), ("xz", 0, np.uint8), ("ws", 0.01, np.float32),
                     ("wz", 0, np.int8), ("ys", 0.5, np.float32), ("yz", 128, np.uint8)))]
        nodes = [helper.make_node("QLinearConv", ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz"], ["y"], **attrs)]
        x = rng.integers(0, 128, shape, dtype=np.uint8)
        kind = TensorProto.UINT8
    else:
        inits = [numpy_helper.from_array(rng.standard_normal((channels, channels, 3, 3), dtype=np.float32), "w")]
        nodes = [helper.make_node("Conv", ["x", "w"], ["y"], **attrs)]
        x = rng.standard_normal(shape, dtype=np.float32)
        kind = TensorProto.FLOAT
    model = _model(nodes, [helper.make_tensor_value_info("x", kind, shape)],
                   [helper.make_tensor_value_info("y", kind, shape)], inits)
    return model, {"x": x}, 2 * side * side * channels * channels * 9


def _best_tops(model, feeds: dict, ops: int, threads: int, repeats: int, deadline: float, stop: Stop) -> float | None:
    """Best ops/s over ``repeats`` timed runs (after one untimed), in TOP/s; None if none ran."""
    session = _session(model, threads)
    session.run(None, feeds)
    best = math.inf
    for _ in range(repeats):
        if (stop and stop()) or time.perf_counter() > deadline:
            break
        start = time.perf_counter()
        session.run(None, feeds)
        best = min(best, time.perf_counter() - start)
    return ops / best / 1e12 if math.isfinite(best) else None


def _triad_part(a: np.ndarray, b: np.ndarray, c: np.ndarray, scalar: float, start: int, end: int) -> None:
    """a = b + scalar x c on [start, end), a cache-sized block at a time through a buffer of the
    thread's own, so a is written once (numpy releases the GIL inside each operation)."""
    scaled = np.empty(min(TRIAD_BLOCK, max(0, end - start)))
    for lo in range(start, end, TRIAD_BLOCK):
        hi = min(lo + TRIAD_BLOCK, end)
        part = scaled[:hi - lo]
        np.multiply(c[lo:hi], scalar, out=part)
        np.add(b[lo:hi], part, out=a[lo:hi])


def stream_triad(elements: int, threads: int = 1, repeats: int = 5, deadline: float = math.inf,
                 stop: Stop = None) -> TriadResult:
    """STREAM's triad a = b + s x c on float64 arrays of ``elements``, split over ``threads``.

    Notes
    -----
    GB/s = 3 x 8 x elements / best seconds / 1e9: each element of b and c read once, a written once
    (STREAM's count; the cache's write-allocate read of a is real traffic but not counted). Each
    thread works on its own contiguous slice in blocks of :data:`TRIAD_BLOCK` elements, its s x c
    in a cache-resident buffer: numpy on whole arrays (``a[:] = b + s * c``) would stream a
    temporary as large as the arrays through memory and report about half the bandwidth.
    ``correct`` checks a == b + s x c afterwards.
    """
    if elements < 1 or threads < 1:
        raise ValueError("the triad needs at least one element and one thread")
    scalar = 3.0
    b = np.full(elements, 1.5)
    c = np.full(elements, 2.0)
    a = np.zeros(elements)
    edges = np.linspace(0, elements, threads + 1).astype(np.int64)
    best = math.inf
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for done in range(repeats + 1):  # the first pass only touches the pages
            if done and ((stop and stop()) or time.perf_counter() > deadline):
                break
            start = time.perf_counter()
            list(pool.map(lambda k: _triad_part(a, b, c, scalar, int(edges[k]), int(edges[k + 1])), range(threads)))
            if done:
                best = min(best, time.perf_counter() - start)
    correct = bool(np.all(a == 1.5 + scalar * 2.0))
    seconds = best if math.isfinite(best) else math.nan
    return TriadResult(gbps=3 * 8 * elements / seconds / 1e9, elements=elements, seconds=seconds, threads=threads,
                       correct=correct)


def _triad_elements(info: HostInfo, triad_bytes: int | None) -> tuple[int, str]:
    """Elements per triad array: ``triad_bytes`` / 8 if given, else max(8 x LLC, 64 MB) / 8, capped
    so the three arrays take at most a quarter of the memory."""
    note = ""
    if triad_bytes is None:
        triad_bytes = max(TRIAD_LLC_MULTIPLE * (info.llc_bytes or 0), TRIAD_MIN_BYTES)
        available = re.search(r"MemAvailable:\s*(\d+)\s*kB", _read(MEMINFO))
        if available and 3 * triad_bytes > int(available.group(1)) * 1024 // 4:
            triad_bytes = int(available.group(1)) * 1024 // 12
            note = (f"triad arrays cut to {triad_bytes / 1e6:.0f} MB each to use at most a quarter of the available "
                    "memory")
    return max(1, int(triad_bytes) // 8), note


def measure_host_roofline(threads: int | None = None, budget_s: float = 60.0, progress: Progress = None,
                          stop: Stop = None, *, matrix_side: int = 2048, triad_bytes: int | None = None,
                          repeats: int = 5) -> HostRoofline:
    """Measure this machine's roofline (module notes): FP32 MatMul and Conv, INT8 MatMulInteger and
    QLinearConv, then the triad, each the best of ``repeats`` timed runs on ``threads`` (default:
    every CPU this process may use).

    ``matrix_side`` n sizes the MatMul (n x n, 2 n^3 ops) and the Conv (n / 8 channels in and out,
    56 x 56, 3 x 3); ``triad_bytes`` each triad array (default max(8 x LLC, 64 MB)). ``budget_s``
    bounds the whole; a step the budget or ``stop()`` cuts is left None and said in ``notes``.
    ``progress(done, total, text)`` is called before each of the 5 steps and at the end.
    """
    threads = int(threads) if threads else default_threads()
    if threads < 1 or matrix_side < 8 or repeats < 1 or not budget_s > 0:
        raise ValueError("threads, repeats and the budget must be above 0 and the matrix side at least 8")
    info = host_info()
    deadline = time.perf_counter() + budget_s
    rng = np.random.default_rng(0)
    channels = max(8, matrix_side // 8)
    steps = (("fp32_matmul_tops", "FP32 MatMul", lambda: _matmul(matrix_side, False, rng)),
             ("fp32_conv_tops", "FP32 Conv", lambda: _conv(channels, 56, False, rng)),
             ("int8_matmul_tops", "INT8 MatMulInteger", lambda: _matmul(matrix_side, True, rng)),
             ("int8_conv_tops", "INT8 QLinearConv", lambda: _conv(channels, 56, True, rng)))
    figures: dict[str, float | None] = dict.fromkeys(key for key, _, _ in steps)
    notes: list[str] = []
    total = len(steps) + 1
    stopped = False
    for done, (key, label, build) in enumerate(steps):
        if progress:
            progress(done, total, label)
        if stop and stop():
            stopped = True
            break
        if time.perf_counter() > deadline:
            notes.append(f"{label}: not measured, the {budget_s:g} s budget ran out")
            continue
        figures[key] = _best_tops(*build(), threads, repeats, deadline, stop)
    triad = None
    elements, note = _triad_elements(info, triad_bytes)
    notes += [note] if note else []
    if progress:
        progress(len(steps), total, "memory triad")
    if stopped or (stop and stop()):
        stopped = True
        notes.append("stopped: the steps not run are empty")
    elif time.perf_counter() > deadline:
        notes.append(f"memory triad: not measured, the {budget_s:g} s budget ran out")
    else:
        triad = stream_triad(elements, threads, repeats, deadline, stop)
    if progress:
        progress(total, total, "done")
    fp32, int8, words = theoretical_peaks(info, min(threads, info.physical_cores))
    roofline = HostRoofline(host=info, platform=host_platform_name(info), threads=threads, triad=triad,
                            theoretical_fp32_tops=fp32, theoretical_int8_tops=int8, assumptions=words,
                            notes=tuple(notes), stopped=stopped, **figures)
    return replace(roofline, notes=(*roofline.notes, *_above_theory(roofline.peaks(), info.clock_ghz)))


def _above_theory(pairs: tuple[tuple[str, float | None, float | None], ...], clock_ghz: float | None) -> list[str]:
    """A note per precision measured above its theoretical peak: an assumption is off, most often
    the clock (a hypervisor reports the nominal one, the core runs at its boost clock)."""
    return [f"{label}: measured {measured / theory:.2f}x the theoretical peak, so the cores ran at about "
            f"{clock_ghz * measured / theory:.2f} GHz rather than the {clock_ghz:.2f} GHz reported (or have more "
            "units than assumed)" for label, measured, theory in pairs
            if measured and theory and clock_ghz and above(measured, theory)]


def peak_text(value: float | None) -> str:
    """A measured peak as GOP/s text, or "not measured"."""
    return "not measured" if value is None else f"{gops_text(value)} GOP/s"


def to_platform_row(roofline: HostRoofline) -> dict[str, object]:
    """The roofline as one row of ``data/hardware.csv``'s schema (a user's own platform): measured
    INT8 and FP32 peaks (TOP/s), triad bandwidth (GB/s), memory (GB), on-chip memory = the
    last-level cache (MB, 10^6 bytes), family CPU, toolflow onnxruntime, layer-by-layer, no power
    (never invented), and ``source`` saying what was measured and what theory gives. Raises
    ``ValueError`` when neither a peak nor the bandwidth was measured (no roofline)."""
    if roofline.bandwidth_gbps is None or (roofline.peak_fp32_tops is None and roofline.peak_int8_tops is None):
        raise ValueError("the host roofline lacks a measured peak or bandwidth: measure it again with more budget")
    info = roofline.host
    triad = roofline.triad
    theory = (f"theoretical: FP32 {peak_text(roofline.theoretical_fp32_tops)}, "
              f"INT8 {peak_text(roofline.theoretical_int8_tops)} = {roofline.assumptions}")
    source = (f"measured on this machine: {info.description}; {roofline.threads} threads; FP32 MatMul "
              f"{peak_text(roofline.fp32_matmul_tops)}, Conv {peak_text(roofline.fp32_conv_tops)}; INT8 MatMulInteger "
              f"{peak_text(roofline.int8_matmul_tops)}, QLinearConv {peak_text(roofline.int8_conv_tops)}; triad "
              f"{triad.gbps:.1f} GB/s over 3 x {triad.elements * 8 / 1e6:.0f} MB float64 arrays (3 x 8 bytes per "
              f"element) ({theory}){''.join(f'; {n}' for n in roofline.notes)}")
    return {
        "platform": roofline.platform, "op_mode": "", "family": "CPU", "vendor": _vendor_short(info.vendor),
        "toolflow": "onnxruntime", "peak_tops_int2": None, "peak_tops_int4": None,
        "peak_tops_int8": roofline.peak_int8_tops, "peak_tops_fp16": None, "peak_tops_fp32": roofline.peak_fp32_tops,
        "bandwidth_gbps": roofline.bandwidth_gbps, "memory_gb": info.memory_gb, "power_w": None,
        "on_chip_mb": info.llc_bytes / 1e6 if info.llc_bytes else None, "execution": "layer-by-layer",
        "aliases": "", "source": source,
    }
