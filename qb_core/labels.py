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
    "accuracy_from": Quantity("Accuracy from"),
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
    "achievable_tops": Quantity("Best measured", "TOP/s"),
    "achievable_pct": Quantity("Best measured / peak", "%"),
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
    "datasheet_efficiency_pct": Quantity("Datasheet efficiency (measured / datasheet roofline)", "%"),
    "measured_tops": Quantity("Measured performance", "TOP/s"),
    "measured_batch": Quantity("Batch of the best throughput"),
    "mj_per_input": Quantity("Energy per input", "mJ"),
    "predicted_mj_per_input": Quantity("Energy per input at the datasheet power", "mJ"),
    "predicted_inputs_per_joule": Quantity("Energy efficiency at the datasheet power", "inputs/J"),
    "ideal_mj_per_input": Quantity("Ideal energy per input (measured power)", "mJ"),
    "mj_above_idle": Quantity("Energy per input above idle", "mJ"),
    "inputs_per_joule_above_idle": Quantity("Energy efficiency above idle", "inputs/J"),
    "ideal_inputs_per_joule": Quantity("Ideal energy efficiency (measured power)", "inputs/J"),
    "ideal_power_w": Quantity("Power of the ideal", "W"),
    "energy_note": Quantity("Note"),
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


#: Shorter names where a table must fit a narrow window (the full name is in the header's help).
SHORT_LABELS: dict[str, str] = {
    "config": "Configuration", "measured_fps": "Measured", "predicted_fps": "Roofline", "efficiency_pct": "Efficiency",
    "datasheet_efficiency_pct": "Datasheet efficiency", "measured_batch": "Best batch", "ridge_ops_per_byte": "Ridge",
    "bandwidth_gbps": "Bandwidth", "mj_per_input": "Energy", "ideal_mj_per_input": "Ideal energy",
    "mj_above_idle": "Above idle", "idle_power_w": "Idle power",
    "full_power_w": "Power", "energy_note": "Note", "top1_pct": "Top-1", "measured_tops": "Measured",
    "peak_fps": "Peak", "weights_on_chip": "On chip", "inputs_per_joule": "Measured",
    "ideal_inputs_per_joule": "Ideal", "predicted_mj_per_input": "At datasheet power", "power_w": "Datasheet power",
    "intensity": "Intensity",
}


def short_title(column: str) -> str:
    """``Short name (unit)`` for a narrow table, e.g. ``Efficiency (%)``; :func:`title` without a short name."""
    if column not in SHORT_LABELS:
        return title(column)
    unit = QUANTITIES[column].unit if column in QUANTITIES else ""
    return f"{SHORT_LABELS[column]} ({unit})" if unit else SHORT_LABELS[column]


def title(column: str) -> str:
    """``Label (unit)`` of a column, e.g. ``Compute latency (ms)``; the column itself if unknown."""
    quantity = QUANTITIES.get(column)
    if quantity is None:
        return column
    return f"{quantity.label} ({quantity.unit})" if quantity.unit else quantity.label
