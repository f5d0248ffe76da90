"""ONNX zoo benchmark: torchvision's classifiers exported to ONNX by both PyTorch exporters, read by
:func:`qb_core.networks.files.read_network_path` and compared with torchvision's published parameter and MAC counts.

``python -m bench onnx_zoo``. Optional: it needs the cache that ``make bench-torch`` makes
(``.venv-torch/bin/python bench/torch_export.py .bench-cache/onnx-zoo``, in a throwaway venv with torch:
torch is no project dependency); without it the group says so and is skipped.

Prints one line per model x exporter (file size, import time, imported and published parameters and
MACs, their errors in %, warnings, and the import's error if it refused the file) and yields how many
files are within 3 % on both counts, the worst ones and the import time of the largest file.

Quantized and FP16 variants (``<name>.<variant>.onnx``, compared with the base model's published
counts) are made in the project venv with onnxruntime: ``python -m bench.onnx_zoo --make-variants``.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qb_core.networks.files import read_network_path
from qb_core.networks.imported import NetworkFileError

CACHE = Path(__file__).resolve().parents[1] / ".bench-cache" / "onnx-zoo"
PUBLISHED = "published.json"
TOLERANCE_PCT = 3.0
WORST = 4
HOW_TO = "make bench-torch (.venv-torch/bin/python bench/torch_export.py .bench-cache/onnx-zoo)"


@dataclass(frozen=True)
class Entry:
    """One exported file and the published counts it is compared with."""

    name: str
    exporter: str
    file: str
    published_params: int
    published_macs: int
    used_params: int | None = None  # what torch's eval-mode output depends on, when torch_export measured it


@dataclass(frozen=True)
class Row:
    entry: Entry
    mb: float
    seconds: float
    params: int | None = None
    macs: int | None = None
    warnings: int | None = None
    error: str | None = None

    @property
    def params_error(self) -> float | None:
        return error_pct(self.params, self.entry.published_params)

    @property
    def macs_error(self) -> float | None:
        return error_pct(self.macs, self.entry.published_macs)

    @property
    def worst_error(self) -> float:
        """The larger absolute error of the two counts; infinite when the file was not read."""
        errors = (self.params_error, self.macs_error)
        return float("inf") if None in errors else max(abs(e) for e in errors)  # type: ignore[arg-type]


def error_pct(value: int | None, published: int) -> float | None:
    if value is None or not published:
        return None
    return (value - published) / published * 100


def entries(doc: dict[str, Any]) -> list[Entry]:
    """Every exported file recorded in ``published.json``: the models' exports, then the variants."""
    models = doc.get("models", {})
    out = []
    for name, model in sorted(models.items()):
        for exporter, export in sorted(model.get("exports", {}).items()):
            if str(export.get("status", "")).startswith("ok"):
                out.append(Entry(name, exporter, export.get("file") or f"{name}.{exporter}.onnx",
                                 int(model["num_params"]), int(model["macs"]), model.get("used_params")))
    for key, variant in sorted(doc.get("variants", {}).items()):
        base = models.get(variant.get("base", ""))
        if base and str(variant.get("status", "")).startswith("ok"):
            out.append(Entry(variant["base"], variant.get("variant", key), variant.get("file") or f"{key}.onnx",
                             int(base["num_params"]), int(base["macs"]), base.get("used_params")))
    return out


def import_row(entry: Entry, cache: Path) -> Row:
    """Import one file; whatever the import raises becomes the row's error."""
    path = cache / entry.file
    if not path.exists():
        return Row(entry, 0.0, 0.0, error="file missing from the cache")
    mb = path.stat().st_size / 1e6
    start = time.perf_counter()
    try:
        network = read_network_path(path)  # as the command line reads it: memory-mapped, structure only
    except NetworkFileError as exc:
        return Row(entry, mb, time.perf_counter() - start, error=str(exc))
    except Exception as exc:
        return Row(entry, mb, time.perf_counter() - start, error=f"{type(exc).__name__}: {exc}")
    seconds = time.perf_counter() - start
    layers = network.layers
    return Row(entry, mb, seconds, params=int(layers["weights"].sum()), macs=int(layers["ops"].sum()) // 2,
               warnings=len(network.warnings))


def _num(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:+.1f}"


HEADER = (f"{'model':22} {'exporter':16} {'MB':>8} {'import s':>8} {'params':>13} {'published':>13} {'err %':>7} "
          f"{'MACs':>15} {'published':>15} {'err %':>7} {'warn':>4}  error")


def table_line(row: Row) -> str:
    e = row.entry
    warnings = "-" if row.warnings is None else str(row.warnings)
    return (f"{e.name:22} {e.exporter:16} {row.mb:8.1f} {row.seconds:8.2f} {_num(row.params):>13} "
            f"{_num(e.published_params):>13} {_pct(row.params_error):>7} {_num(row.macs):>15} "
            f"{_num(e.published_macs):>15} {_pct(row.macs_error):>7} {warnings:>4}  {row.error or ''}")


def summary(rows: list[Row]) -> Iterator[tuple[str, str, str]]:
    within = [r for r in rows if r.worst_error <= TOLERANCE_PCT]
    refused = [r for r in rows if r.error]
    yield (f"onnx zoo: files within {TOLERANCE_PCT:g} % of the published params and MACs", f"{len(within)}/{len(rows)}",
           f"{len(rows)}/{len(rows)}")
    yield "onnx zoo: files the import refused or failed on", str(len(refused)), "0"
    read = sorted((r for r in rows if not r.error), key=lambda r: r.worst_error, reverse=True)
    for row in read[:WORST]:
        e = row.entry
        note = f"; torch's eval forward uses {e.used_params:,} params" \
            if e.used_params and e.used_params != e.published_params else ""
        yield (f"  worst: {e.name} ({e.exporter}){note}", f"{_pct(row.params_error)}/{_pct(row.macs_error)} %",
               f"params/MACs within {TOLERANCE_PCT:g} %")
    if rows:
        largest = max(rows, key=lambda r: r.mb)
        value = "refused" if largest.error else f"{largest.seconds:.2f} s"
        yield (f"onnx zoo: import the largest file ({largest.entry.name} {largest.entry.exporter}, "
               f"{largest.mb:.0f} MB)", value, "")


def run(cache: Path = CACHE) -> Iterator[tuple[str, str, str]]:
    published = cache / PUBLISHED
    if not published.exists():
        yield f"onnx zoo: skipped, no {published.relative_to(cache.parents[1])}", "skipped", f"create it: {HOW_TO}"
        return
    doc = json.loads(published.read_text())
    todo = entries(doc)
    print(f"ONNX zoo: {len(todo)} files in {cache} (torch {doc.get('torch', '?')}, "
          f"torchvision {doc.get('torchvision', '?')}); MACs = ops / 2", flush=True)
    print(HEADER, flush=True)
    if todo:  # warm up (the onnx package's first use), untimed
        import_row(min(todo, key=lambda e: (cache / e.file).stat().st_size if (cache / e.file).exists() else 0), cache)
    rows = []
    for entry in todo:
        row = import_row(entry, cache)
        rows.append(row)
        print(table_line(row), flush=True)
    yield from summary(rows)


# --- quantized and FP16 variants (project venv, onnxruntime) ---

#: (base model, variant): quantized variants of the TorchScript exports, and an FP16 copy.
VARIANTS = (("resnet18", "int8-dynamic"), ("resnet18", "int8-qoperator"), ("resnet18", "int8-qdq"),
            ("mobilenet_v2", "int8-dynamic"), ("mobilenet_v2", "int8-qoperator"), ("mobilenet_v2", "int8-qdq"),
            ("resnet50", "fp16"))
CALIBRATION_BATCHES = 4


def _calibration_reader(source: Path) -> Any:
    """A calibration reader of a few random inputs in [0, 1) for the model's (static) input."""
    import numpy as np
    import onnx
    from onnxruntime.quantization import CalibrationDataReader

    graph_input = onnx.load(str(source), load_external_data=False).graph.input[0]
    shape = [d.dim_value or 1 for d in graph_input.type.tensor_type.shape.dim]
    rng = np.random.default_rng(0)
    batches = iter([{graph_input.name: rng.random(shape, dtype=np.float32)} for _ in range(CALIBRATION_BATCHES)])

    class RandomReader(CalibrationDataReader):
        def get_next(self) -> dict[str, Any] | None:
            return next(batches, None)

    return RandomReader()


def make_variant(source: Path, target: Path, variant: str) -> str:
    """Write one variant of ``source`` to ``target``; its status (``ok`` or ``skipped: ...``)."""
    from onnxruntime.quantization import QuantFormat, QuantType, quantize_dynamic, quantize_static

    if variant == "int8-dynamic":
        quantize_dynamic(source, target, weight_type=QuantType.QInt8)
    elif variant in ("int8-qoperator", "int8-qdq"):
        fmt = QuantFormat.QOperator if variant == "int8-qoperator" else QuantFormat.QDQ
        quantize_static(source, target, _calibration_reader(source), quant_format=fmt,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)
    elif variant == "fp16":
        try:
            from onnxconverter_common import float16
        except ImportError:
            return "skipped: onnxconverter_common is not installed"
        import onnx

        onnx.save(float16.convert_float_to_float16(onnx.load(str(source))), str(target))
    else:
        raise ValueError(f"unknown variant {variant}")
    return "ok"


def make_variants(cache: Path = CACHE) -> None:
    """Make :data:`VARIANTS` from the TorchScript exports in ``cache``; record them in ``published.json``."""
    import onnxruntime

    published = cache / PUBLISHED
    doc = json.loads(published.read_text())
    recorded = doc.setdefault("variants", {})
    for base, variant in VARIANTS:
        source, key = cache / f"{base}.torchscript.onnx", f"{base}.{variant}"
        target = cache / f"{key}.onnx"
        record: dict[str, Any] = {"base": base, "variant": variant, "source": source.name, "file": target.name,
                                  "onnxruntime": onnxruntime.__version__}
        if not source.exists():
            record["status"] = f"skipped: {source.name} is not in the cache"
        else:
            try:
                record["status"] = "ok (cached)" if target.exists() else make_variant(source, target, variant)
            except Exception as exc:
                record["status"] = f"failed: {type(exc).__name__}: {str(exc)[:300]}"
        if target.exists():
            record["bytes"] = target.stat().st_size
        recorded[key] = record
        print(f"{key:32} {record['status']}", flush=True)
    tmp = published.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(doc, indent=1, sort_keys=True))
    tmp.replace(published)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--make-variants"]:
        make_variants(Path(sys.argv[2]) if len(sys.argv) > 2 else CACHE)
    else:
        for label, value, target in run():
            print(f"{label:72} {value:>10}  {target}")
