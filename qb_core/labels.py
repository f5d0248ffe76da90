"""What every column is called where a person reads it, and its unit: one table for chart axes,
tooltips, table headers and the CLI's help, so a quantity is named the same way everywhere."""

from __future__ import annotations

from typing import NamedTuple


class Quantity(NamedTuple):
    """A column's plain-language name and unit ('' when it has none)."""

    label: str
    unit: str = ""


#: Column -> (label, unit). Ops are operations, 2 per multiply-accumulate.
QUANTITIES: dict[str, Quantity] = {
    # measurements
    "fps_comp": Quantity("Compute throughput", "inputs/s"),
    "fps_system": Quantity("System throughput", "inputs/s"),
    "lat_comp_ms": Quantity("Compute latency", "ms"),
    "lat_sys_ms": Quantity("System latency", "ms"),
    "full_power_w": Quantity("Full power", "W"),
    "idle_power_w": Quantity("Idle power", "W"),
    "base_power_w": Quantity("Base power", "W"),
    "inputs_per_joule": Quantity("Energy efficiency", "inputs/J"),
    "top1_pct": Quantity("Top-1 accuracy", "%"),
    "top5_pct": Quantity("Top-5 accuracy", "%"),
    "batch": Quantity("Batch / streams / threads"),
    "pruning_pct": Quantity("Pruning (width)", "%"),
    "device": Quantity("Platform"),
    "platform": Quantity("Platform"),
    "precision": Quantity("Precision"),
    "topology": Quantity("Network"),
    "variant": Quantity("Network variant"),
    "config": Quantity("Configuration (platform_precision_pruning)"),
    "family": Quantity("Family"),
    "op_mode": Quantity("Op mode"),
    # networks
    "params": Quantity("Parameters"),
    "ops_per_input": Quantity("Operations per input", "ops"),
    "gops_per_input": Quantity("Operations per input", "GOP"),
    "weight_bytes": Quantity("Weights", "bytes"),
    "model_mb": Quantity("Model size", "MB"),
    "bytes_per_input": Quantity("Off-chip traffic per input", "bytes"),
    "activation_elems": Quantity("Activations (in + out, all layers)", "elements"),
    # hardware and rooflines
    "intensity": Quantity("Arithmetic intensity", "ops/byte"),
    "tops": Quantity("Performance", "TOP/s"),
    "peak_tops": Quantity("Peak", "TOP/s"),
    "bandwidth_gbps": Quantity("Memory bandwidth", "GB/s"),
    "ridge_ops_per_byte": Quantity("Ridge point", "ops/byte"),
    "memory_gb": Quantity("Off-chip memory", "GB"),
    "on_chip_mb": Quantity("On-chip memory", "MB"),
    "power_w": Quantity("Datasheet power", "W"),
    "execution": Quantity("Execution style"),
    "toolflow": Quantity("Toolflow"),
    "attainable_tops": Quantity("Attainable", "TOP/s"),
    "inputs_per_s": Quantity("Predicted throughput", "inputs/s"),
    "bound": Quantity("Bound"),
    # theory meets measurement
    "measured_fps": Quantity("Measured throughput", "inputs/s"),
    "predicted_fps": Quantity("Roofline prediction", "inputs/s"),
    "peak_fps": Quantity("Peak compute", "inputs/s"),
    "efficiency_pct": Quantity("Efficiency (measured / predicted)", "%"),
    "measured_tops": Quantity("Measured performance", "TOP/s"),
    "measured_batch": Quantity("Batch of the best throughput"),
    "mj_per_input": Quantity("Energy per input", "mJ"),
    "predicted_mj_per_input": Quantity("Predicted energy per input", "mJ"),
    "predicted_inputs_per_joule": Quantity("Predicted energy efficiency", "inputs/J"),
    "layer_fps": Quantity("Per-layer roofline", "inputs/s"),
    "calibrated_fps": Quantity("Calibrated prediction", "inputs/s"),
    "roofline_fps": Quantity("Whole-network roofline", "inputs/s"),
    "error_pct": Quantity("Error (prediction vs measured)", "%"),
    "baseline_fps": Quantity("Baseline prediction", "inputs/s"),
    "baseline_error_pct": Quantity("Baseline error", "%"),
    "overhead_us": Quantity("Overhead per input", "µs"),
    "fraction": Quantity("Fraction of the roofline reached"),
    "fit_rows": Quantity("Configurations fitted"),
    "band_low_fps": Quantity("Band low", "inputs/s"),
    "band_high_fps": Quantity("Band high", "inputs/s"),
    "typical_error_pct": Quantity("Typical held-out error", "%"),
    "band_source": Quantity("Band from"),
    "calibrated": Quantity("Calibrated"),
    "weights_on_chip": Quantity("Weights on chip"),
    "weights_mb": Quantity("Weights", "MB"),
    "fits": Quantity("Fits on chip"),
    "dataset": Quantity("Data set"),
    "status": Quantity("Status"),
    "reason": Quantity("Why / note"),
    "task": Quantity("Task"),
    "task_name": Quantity("Task"),
    "ops_source": Quantity("Operation count from"),
    "source": Quantity("Figures from"),
    "vendor": Quantity("Vendor"),
    "line": Quantity("Line"),
    "severity": Quantity("Outcome"),
    "kind": Quantity("Kind"),
    "top1": Quantity("Top-1 accuracy", "%"),
}


def title(column: str) -> str:
    """``Label (unit)`` of a column, e.g. ``Compute latency (ms)``; the column itself if unknown."""
    quantity = QUANTITIES.get(column)
    if quantity is None:
        return column
    return f"{quantity.label} ({quantity.unit})" if quantity.unit else quantity.label
