"""The project's layer table: one row per layer of a network, for one input.

Every network the project knows (CNV and MLP from their layer model, the ImageNet networks from
their architecture papers, a user's ONNX file or layer CSV) is described by this one table, so the
per-layer roofline, the calibrated model and every theory page treat them alike.

Columns
-------
layer            the layer's name (unique within the network)
type             one of :data:`LAYER_TYPES`
ops              operations per input, 2 per multiply-accumulate (pool and element-wise layers: 0)
weights          stored parameters (weights and biases) of the layer
in_activations   elements the layer reads per input (all its inputs; an Add reads both)
out_activations  elements the layer writes per input
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LAYER_TABLE_COLUMNS: tuple[str, ...] = ("layer", "type", "ops", "weights", "in_activations", "out_activations")
#: conv: dense (or grouped) convolution; depthwise: one filter per channel; fc: fully connected
#: (Gemm, MatMul); pool: max or average pooling, global included; eltwise: element-wise
#: operations between tensors (a residual Add, a Mul), which carry no multiply-accumulate work.
LAYER_TYPES: tuple[str, ...] = ("conv", "depthwise", "fc", "pool", "eltwise")
#: Types whose operations are multiply-accumulates on weights (the ones a compute roof limits).
MAC_TYPES: tuple[str, ...] = ("conv", "depthwise", "fc")
NUMERIC_COLUMNS: tuple[str, ...] = ("ops", "weights", "in_activations", "out_activations")
#: The largest whole-network total (and so any count) accepted: int64 sums stay exact below it.
MAX_TOTAL = 10**18


def check_layer_table(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with exactly :data:`LAYER_TABLE_COLUMNS`, numeric columns as int64; raises
    ``ValueError`` naming the first problem (missing column, unknown type, negative or
    non-finite count, a total above 10^18, duplicate layer name, no layer)."""
    missing = [c for c in LAYER_TABLE_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"layer table lacks the column(s) {', '.join(missing)}")
    if table.empty:
        raise ValueError("layer table has no layer")
    unknown = sorted(set(table["type"].astype(str)) - set(LAYER_TYPES))
    if unknown:
        raise ValueError(f"unknown layer type(s) {', '.join(map(repr, unknown))}; use {', '.join(LAYER_TYPES)}")
    out = table[list(LAYER_TABLE_COLUMNS)].copy()
    out["layer"] = out["layer"].astype(str)
    out["type"] = out["type"].astype(str)
    for column in NUMERIC_COLUMNS:
        values = pd.to_numeric(out[column], errors="coerce").to_numpy(dtype=float)
        if not np.all(np.isfinite(values)) or np.any(values < 0):
            raise ValueError(f"column {column} must hold finite counts of 0 or more")
        if values.sum() > MAX_TOTAL:  # summed in float: never wraps
            raise ValueError(f"the network's total {column} is above 10^18: the counts are implausible")
        out[column] = values.astype(np.int64)
    duplicated = out["layer"][out["layer"].duplicated()]
    if len(duplicated):
        raise ValueError(f"layer name {duplicated.iloc[0]!r} appears more than once")
    return out.reset_index(drop=True)


def layer_totals(table: pd.DataFrame) -> dict[str, int]:
    """Whole-network totals of a layer table: params (sum of weights), ops per input, and
    activation elements (inputs plus outputs of every layer: the off-chip traffic when
    activations live off chip)."""
    return {
        "params": int(table["weights"].sum()),
        "ops_per_input": int(table["ops"].sum()),
        "activation_elems": int((table["in_activations"] + table["out_activations"]).sum()),
    }
