"""Symbolic shape inference (onnxruntime's maintained ``SymbolicShapeInference``) in a child process.

ONNX's own shape inference stops at a Slice or Reshape whose bounds are computed from other shapes
(the TorchScript exporter writes those for ShuffleNet's channel split, Swin's windows, detection
heads); onnxruntime's symbolic inference propagates those computations. It also evaluates shape
arithmetic on values, which a hostile file can turn into a huge allocation (a ConstantOfShape of
10^10 elements), so it never runs in the app's process: :func:`symbolic_shapes` starts
``python -m qb_core.networks.onnx_symbolic`` with the structure-only model on stdin, a memory and CPU cap set
by the child on itself, and a timeout, and reads back the shapes it found. Anything that goes
wrong (a crash, the cap, the timeout, onnxruntime or sympy missing) returns no shapes and a reason;
the import then keeps ONNX's own shapes and says how much is left uncounted.

The child writes a ``GraphProto`` holding one ``ValueInfoProto`` per tensor it could type: every
shape it found, even when inference stopped part way (onnxruntime's ``infer_shapes`` would raise
and write a scratch file instead; the child uses the class directly, in a temporary folder).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from qb_core.paths import PROJECT_DIR

#: Address space the child may map (bytes): enough for Python, onnx, onnxruntime and sympy.
MEMORY_CAP_BYTES = 3 * 1024**3
CPU_SECONDS = 60
TIMEOUT_S = 90
#: Rounds of inference the child runs: each merge of symbolic dimensions restarts it.
MAX_ROUNDS = 16


def symbolic_shapes(model_bytes: bytes) -> tuple[bytes | None, str]:
    """The serialized ``GraphProto`` of value infos the child found for ``model_bytes``, or
    (None, why)."""
    with tempfile.TemporaryDirectory(prefix="qb_symbolic_") as folder:
        try:
            done = subprocess.run([sys.executable, "-m", "qb_core.networks.onnx_symbolic"], input=model_bytes,
                                  capture_output=True, timeout=TIMEOUT_S, cwd=folder, check=False,
                                  env={**os.environ, "PYTHONPATH": _project_root()})
        except subprocess.TimeoutExpired:
            return None, f"symbolic shape inference took longer than {TIMEOUT_S} s"
        except OSError as exc:
            return None, f"symbolic shape inference could not start ({exc.strerror or type(exc).__name__})"
    if done.returncode != 0 or not done.stdout:
        last = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        return None, f"symbolic shape inference failed ({last[0][:120]})"
    return done.stdout, ""


def _project_root() -> str:
    root = str(PROJECT_DIR)
    existing = os.environ.get("PYTHONPATH", "")
    return root + (os.pathsep + existing if existing else "")


def _cap_resources() -> None:
    try:
        import resource
    except ImportError:  # not on this system (Windows): the timeout still holds
        return
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP_BYTES, MEMORY_CAP_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def _has_data(tensor) -> bool:
    fields = ("raw_data", "float_data", "int32_data", "int64_data", "double_data", "uint64_data", "string_data")
    return any(len(getattr(tensor, f)) for f in fields) or not len(tensor.dims) or 0 in tensor.dims


def stripped_as_inputs(model) -> None:
    """Turn every stored tensor whose data the structure reader dropped (and every Constant node
    holding one) into a graph input of the same type and shape: symbolic inference reads the values
    of stored tensors wherever it can, and a tensor without its data would stop it."""
    from onnx import helper

    graph = model.graph
    empty = [t for t in graph.initializer if not _has_data(t)]
    names = {t.name for t in empty}
    kept = [t for t in graph.initializer if t.name not in names]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    inputs = [helper.make_tensor_value_info(t.name, t.data_type, list(t.dims)) for t in empty]
    nodes = []
    for node in graph.node:
        value = next((a.t for a in node.attribute if a.name == "value" and a.HasField("t")), None)
        if node.op_type == "Constant" and value is not None and not _has_data(value):
            inputs.append(helper.make_tensor_value_info(node.output[0], value.data_type, list(value.dims)))
        else:
            nodes.append(node)
    del graph.node[:]
    graph.node.extend(nodes)
    graph.input.extend(v for v in inputs if v.name not in {i.name for i in graph.input})


def _mod(values: list) -> object:
    return values[0] % values[1]


def _infer(model_bytes: bytes) -> bytes:
    import logging

    import onnx
    from onnxruntime.tools.symbolic_shape_infer import SymbolicShapeInference

    logging.disable(logging.WARNING)
    model = onnx.ModelProto()
    model.ParseFromString(model_bytes)
    stripped_as_inputs(model)
    inference = SymbolicShapeInference(int_max=2**31 - 1, auto_merge=True, guess_output_rank=False, verbose=0)
    # Mod computes Swin's window padding ((window - size % window) % window); onnxruntime's inference
    # has no rule for its value, so the padded shapes would stay unknown
    inference.dispatcher_.setdefault("Mod", lambda node: inference._compute_on_sympy_data(node, _mod))
    found = onnx.GraphProto()
    try:
        inference._preprocess(model)
        for _ in range(MAX_ROUNDS):
            if not inference.run_:
                break
            inference._infer_impl()
    except Exception:  # keep every shape found before the failure
        pass
    known = getattr(inference, "known_vi_", {})
    found.value_info.extend(v for v in known.values() if v.type.WhichOneof("value") == "tensor_type")
    return found.SerializeToString()


def main() -> None:
    _cap_resources()
    sys.stdout.buffer.write(_infer(sys.stdin.buffer.read()))


if __name__ == "__main__":
    main()
