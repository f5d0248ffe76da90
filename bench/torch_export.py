"""Export torchvision's classification models to ONNX with both PyTorch exporters, for ``bench/onnx_zoo.py``.

Runs in the throwaway torch venv, never the project's (torch is no project dependency)::

    .venv-torch/bin/python bench/torch_export.py .bench-cache/onnx-zoo [--only resnet18,vgg16] [--list]

Imports only the standard library, torch and torchvision. Every model is built with random weights
(``weights=None``: nothing is downloaded; constant-initialized tensors randomized too, see
:func:`randomize_constants`) but with the architecture options its DEFAULT weights use
(ViT image size, Inception/GoogLeNet input transform and aux heads), in eval mode, batch 1, at the
DEFAULT weights' crop size (224, 299 for inception_v3, up to 600 for efficientnet_b7). Each model is
exported by

* the TorchScript exporter (``dynamo=False``, opset 17, default constant folding): ``<name>.torchscript.onnx``
* the dynamo exporter (``dynamo=True``, its default opset and optimizer; one self-contained file when
  the weights fit under protobuf's 2 GB, external ``.data`` beside it otherwise): ``<name>.dynamo.onnx``

Each export runs in a child process with a time limit (``--timeout``, 300 s) and at most 2 threads;
a failure or a time-out is recorded and the loop goes on. Files already in OUTDIR are kept (a cache).
Exports whose fp32 weights exceed ``--max-mb`` (per exporter) are skipped, to keep the disk use sane.

``OUTDIR/published.json`` gets, per model: torchvision's published ``num_params`` and ``_ops`` (the
multiply-accumulates in units of 1e9, which torchvision's docs call GFLOPS), the input size, torch's own
parameter count, the parameters the eval-mode output depends on (inception_v3's aux head is not), the
normalization layers' parameters, the MACs measured by ``torch.utils.flop_counter`` (/ 2),
and per exporter the status (``ok`` / ``failed: ...`` / ``timeout ...`` / ``skipped: ...``), the
file size and the seconds it took. A ``variants`` section, if present, is kept as it is (it is written
by ``python -m bench.onnx_zoo --make-variants`` in the project venv).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

EXPORTERS = ("torchscript", "dynamo")
TORCHSCRIPT_OPSET = 17
TIMEOUT_S = 300
THREADS = 2
#: Default cap on the fp32 weights (MB) per exporter: every classifier but the two > 2 GB ones with
#: TorchScript, those up to ~100 M parameters with dynamo.
MAX_MB = {"torchscript": 1300, "dynamo": 400}
#: protobuf's 2 GB limit on one file, with margin for the graph itself.
SINGLE_FILE_BYTES = 1_900_000_000


# --- in the child process: build one model, measure it, export it ---

def weights_of(name: str) -> Any:
    import torchvision

    return torchvision.models.get_model_weights(name).DEFAULT


def input_side(weights: Any) -> int:
    """The DEFAULT weights' evaluation crop size (their documented input size)."""
    crop = getattr(weights.transforms(), "crop_size", None)
    if crop:
        return int(crop[0])
    return max(224, int(weights.meta.get("min_size", (224, 224))[0]))


def build(name: str, weights: Any) -> Any:
    """The model with random weights but the architecture options its DEFAULT weights would set."""
    import torchvision

    kwargs: dict[str, Any] = {}
    if name.startswith("vit_"):
        kwargs["image_size"] = weights.meta["min_size"][0]
    elif name == "inception_v3":
        kwargs.update(transform_input=True, aux_logits=True, init_weights=True)
    elif name == "googlenet":  # the released weights drop the aux heads after loading
        kwargs.update(transform_input=True, aux_logits=False, init_weights=True)
    return randomize_constants(torchvision.models.get_model(name, weights=None, **kwargs).eval())


def randomize_constants(model: Any) -> Any:
    """Give every floating parameter or buffer that its init filled with one value (norm scales of 1,
    biases, running means and zero-initialized heads of 0, running variances of 1) random values, as
    trained weights would have. Without this, an eval-mode BatchNormalization is nearly the identity,
    and the exporters fold it away, share identical tensors between layers (TorchScript's
    deduplication, then Identity nodes) or drop all-zero biases: files unlike any real network's."""
    import torch

    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for name, tensor in [*model.named_parameters(), *model.named_buffers()]:
            if not tensor.is_floating_point() or tensor.numel() == 0 or tensor.min() != tensor.max():
                continue
            noise = torch.rand(tensor.shape, generator=generator)
            if name.endswith("running_var") or float(tensor.flatten()[0]) == 1.0:
                tensor.copy_(0.5 + noise)  # positive, around 1
            else:
                tensor.copy_((noise - 0.5) * 0.2)  # small, around 0
    return model


def measure(model: Any, x: Any) -> dict[str, int]:
    """torch's own counts from one forward (with autograd on, so that no inference fast path hides
    work from the flop counter, e.g. nn.MultiheadAttention's) and one gradient: parameters (all, those
    the eval-mode output depends on, those in normalization layers) and MACs (flop counter / 2:
    convolutions and matrix products)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    params = list(model.parameters())
    with FlopCounterMode(display=False) as counter:
        out = model(x)
    grads = torch.autograd.grad(out.sum(), params, allow_unused=True)
    norms = (torch.nn.modules.batchnorm._BatchNorm, torch.nn.LayerNorm, torch.nn.GroupNorm)
    return {
        "torch_params": sum(p.numel() for p in params),
        "used_params": sum(p.numel() for p, g in zip(params, grads, strict=True) if g is not None),
        "norm_params": sum(p.numel() for m in model.modules() if isinstance(m, norms) for p in m.parameters()),
        "flop_counter_macs": counter.get_total_flops() // 2,
    }


def export_one(model: Any, x: Any, exporter: str, path: Path, big: bool) -> dict[str, Any]:
    import torch

    if exporter == "torchscript":
        torch.onnx.export(model, (x,), str(path), dynamo=False, opset_version=TORCHSCRIPT_OPSET,
                          input_names=["input"], output_names=["logits"])
        return {"opset": TORCHSCRIPT_OPSET}
    program = torch.onnx.export(model, (x,), dynamo=True, external_data=big)
    program.save(str(path), external_data=big)
    opset = getattr(program.model, "opset_imports", {}).get("")
    return {"opset": opset}


def child(name: str, exporter: str | None, stage: Path, result_file: Path, want_meta: bool) -> None:
    """One model: its measurements (if ``want_meta``) and one export into ``stage``; the result goes to
    ``result_file`` after each step, so a time-out still leaves what was done."""
    import torch

    torch.set_num_threads(THREADS)
    result: dict[str, Any] = {}

    def save() -> None:
        result_file.write_text(json.dumps(result))

    weights = weights_of(name)
    side = input_side(weights)
    torch.manual_seed(0)
    model = build(name, weights)
    x = torch.randn(1, 3, side, side)
    if want_meta:
        start = time.perf_counter()
        result["meta"] = measure(model, x) | {"measure_seconds": round(time.perf_counter() - start, 1)}
        save()
    if exporter:
        path = stage / f"{name}.{exporter}.onnx"
        big = result.get("meta", {}).get("torch_params", 0) * 4 > SINGLE_FILE_BYTES
        start = time.perf_counter()
        try:
            info = export_one(model, x, exporter, path, big)
            result["export"] = {"status": "ok", "seconds": round(time.perf_counter() - start, 1)} | info
        except Exception as exc:
            last = traceback.format_exception_only(type(exc), exc)[-1].strip()
            result["export"] = {"status": f"failed: {last[:300]}", "seconds": round(time.perf_counter() - start, 1)}
        save()


# --- in the parent process: the loop, the cache, published.json ---

def published_entry(name: str) -> dict[str, Any]:
    weights = weights_of(name)
    ops = float(weights.meta["_ops"])
    return {
        "weights": str(weights),
        "num_params": int(weights.meta["num_params"]),
        "gmacs_published": ops,
        "macs": round(ops * 1e9),
        "input_size": [1, 3, input_side(weights), input_side(weights)],
    }


def files_of(outdir: Path, name: str, exporter: str) -> list[Path]:
    main = outdir / f"{name}.{exporter}.onnx"
    return [main, *sorted(p for p in outdir.glob(f"{name}.{exporter}.onnx.*") if p.is_file())] if main.exists() else []


def run_child(outdir: Path, name: str, exporter: str | None, want_meta: bool, timeout: float) -> dict[str, Any]:
    """Run one child; move what it exported from its staging folder into ``outdir``."""
    stage = outdir / ".stage" / f"{name}.{exporter or 'meta'}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    result_file = stage / "result.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", name, "--exporter", exporter or "",
           "--stage", str(stage), "--result", str(result_file)] + (["--meta"] if want_meta else [])
    env = os.environ | {"OMP_NUM_THREADS": str(THREADS), "MKL_NUM_THREADS": str(THREADS), "CUDA_VISIBLE_DEVICES": ""}
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        tail = (proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1]
        error = None if proc.returncode == 0 else f"child exited {proc.returncode}: {tail[:300]}"
    except subprocess.TimeoutExpired:
        error = f"timeout: over {timeout:.0f} s"
    result = json.loads(result_file.read_text()) if result_file.exists() else {}
    if exporter:
        export = result.get("export") or {"status": error or "failed: no result",
                                          "seconds": round(time.perf_counter() - start, 1)}
        if export["status"] == "ok":
            moved = []
            for produced in sorted(stage.iterdir()):
                if produced.name != "result.json":
                    shutil.move(str(produced), outdir / produced.name)
                    moved.append(produced.name)
            export["external_data"] = [m for m in moved if m != f"{name}.{exporter}.onnx"]
        result["export"] = export
    shutil.rmtree(stage, ignore_errors=True)
    return result


def record_files(entry: dict[str, Any], outdir: Path, name: str, exporter: str) -> None:
    files = files_of(outdir, name, exporter)
    entry["file"] = f"{name}.{exporter}.onnx"
    entry["bytes"] = files[0].stat().st_size
    entry["total_bytes"] = sum(f.stat().st_size for f in files)
    entry["external_data"] = [f.name for f in files[1:]]


def process(name: str, outdir: Path, doc: dict[str, Any], args: argparse.Namespace) -> None:
    entry = doc["models"].setdefault(name, {})
    if args.remeasure:
        for key in ("torch_params", "used_params", "norm_params", "flop_counter_macs", "hook_macs", "measure_seconds"):
            entry.pop(key, None)
    entry.update(published_entry(name))
    exports = entry.setdefault("exports", {})
    fp32_mb = entry["num_params"] * 4 / 1e6
    for exporter in args.exporters:
        if files_of(outdir, name, exporter):
            if not str(exports.get(exporter, {}).get("status", "")).startswith("ok"):
                exports[exporter] = {"status": "ok (cached)"}
            record_files(exports[exporter], outdir, name, exporter)
            continue
        if fp32_mb > args.max_mb[exporter]:
            exports[exporter] = {"status": f"skipped: {fp32_mb:.0f} MB of weights > --max-mb {args.max_mb[exporter]:g}"}
            continue
        if exporter == "torchscript" and entry["num_params"] * 4 > SINGLE_FILE_BYTES:
            exports[exporter] = {"status": "skipped: over 2 GB the TorchScript exporter writes one external file "
                                           "per tensor"}
            continue
        result = run_child(outdir, name, exporter, "torch_params" not in entry, args.timeout)
        entry.update(result.get("meta", {}))
        exports[exporter] = result["export"]
        if files_of(outdir, name, exporter):
            record_files(exports[exporter], outdir, name, exporter)
        print(f"  {name:24} {exporter:12} {exports[exporter]['status'][:90]} ({exports[exporter].get('seconds')} s)",
              flush=True)
    if "torch_params" not in entry:
        entry.update(run_child(outdir, name, None, True, args.timeout).get("meta", {}))


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", nargs="?", type=Path)
    parser.add_argument("--only", default="", help="comma-separated model names (default: every classifier)")
    parser.add_argument("--exporters", default=",".join(EXPORTERS), help="comma-separated: torchscript,dynamo")
    parser.add_argument("--max-mb", default="", help="per exporter, e.g. torchscript=1300,dynamo=400 (0: no cap)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_S, help="seconds per export (default 300)")
    parser.add_argument("--remeasure", action="store_true", help="measure the models in torch again")
    parser.add_argument("--list", action="store_true", help="print the model names and exit")
    # internal: one child process
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--exporter", help=argparse.SUPPRESS)
    parser.add_argument("--stage", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--meta", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.exporters = [e for e in args.exporters.split(",") if e]
    caps = dict(MAX_MB)
    for item in filter(None, args.max_mb.split(",")):
        key, _, value = item.partition("=")
        caps[key] = float(value) or float("inf")
    args.max_mb = caps
    return args


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    if args.child:
        child(args.child, args.exporter or None, args.stage, args.result, args.meta)
        return
    import torch
    import torchvision

    names = torchvision.models.list_models(module=torchvision.models)
    if args.list:
        print("\n".join(names))
        return
    if args.outdir is None:
        sys.exit("usage: torch_export.py OUTDIR [--only NAME,...]")
    if args.only:
        unknown = sorted(set(args.only.split(",")) - set(names))
        if unknown:
            sys.exit(f"unknown model(s): {', '.join(unknown)}")
        names = [n for n in names if n in args.only.split(",")]
    outdir = args.outdir
    outdir.mkdir(parents=True, exist_ok=True)
    published = outdir / "published.json"
    doc = json.loads(published.read_text()) if published.exists() else {}
    doc.setdefault("models", {})
    doc.update({
        "generated_by": "bench/torch_export.py", "torch": torch.__version__, "torchvision": torchvision.__version__,
        "torchscript_opset": TORCHSCRIPT_OPSET,
        "units": "num_params: parameters; macs: multiply-accumulates per image (torchvision's _ops x 1e9); "
                 "gmacs_published: torchvision's _ops as published (docs say GFLOPS, it is GMACs)",
    })
    for i, name in enumerate(names, 1):
        print(f"[{i}/{len(names)}] {name}", flush=True)
        process(name, outdir, doc, args)
        tmp = published.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(doc, indent=1, sort_keys=True))
        tmp.replace(published)  # written after every model: an interrupted run keeps what it did
    shutil.rmtree(outdir / ".stage", ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
