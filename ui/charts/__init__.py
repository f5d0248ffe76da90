"""Chart builders, one per chart type, in Altair; no Streamlit. See :mod:`ui.charts.core`."""

from ui.charts.core import compact_number, log_ticks
from ui.charts.finder import finder_spec
from ui.charts.gap import (
    MAX_LAYER_LABELS,
    calibration_spec,
    efficiency_spec,
    efficiency_spread_spec,
    energy_spec,
    layer_specs,
    pareto_gap_spec,
)
from ui.charts.measured import latency_throughput_spec, pareto_spec, sweep_spec
from ui.charts.theory import (
    MAX_HEATMAP_COLUMNS,
    MAX_VERTICALS,
    change_spec,
    hardware_spec,
    networks_specs,
    platform_columns,
    prediction_spec,
    roofline_spec,
)

__all__ = [
    "MAX_HEATMAP_COLUMNS", "MAX_LAYER_LABELS", "MAX_VERTICALS", "platform_columns",
    "calibration_spec", "change_spec", "compact_number", "efficiency_spec", "efficiency_spread_spec",
    "energy_spec", "finder_spec", "hardware_spec", "latency_throughput_spec", "layer_specs", "log_ticks",
    "networks_specs", "pareto_gap_spec", "pareto_spec", "prediction_spec", "roofline_spec", "sweep_spec",
]
