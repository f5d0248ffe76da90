"""The parts of a user's question, each an immutable value the analyses take whole (never as loose
keywords): :class:`Asked`, which figure (batch-1 latency, throughput at the best batch, or latency
and throughput at a batch N) at which level (the board, or the accelerator alone);
:class:`Storage`, where weights and activations live; :class:`HardwareWhatIf`, the scales,
overrides and own platforms that change the catalog. The selection, the user's networks and uploads
are the other parts (:class:`qb_core.service.Scenario` holds them all)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from qb_core.units import batch_latency_ms, throughput_of
from qb_core.vocabulary import ACTIVATION_MODES, WEIGHT_MODES

QUESTIONS: tuple[str, ...] = ("latency-b1", "throughput-best", "batch")
QUESTION_TEXT: dict[str, str] = {"latency-b1": "batch-1 latency", "throughput-best": "throughput at the best batch",
                                 "batch": "latency and throughput at a given batch"}
LEVELS: tuple[str, ...] = ("board", "accelerator")
LEVEL_TEXT: dict[str, str] = {"board": "board (what a deployment sees: host pre- and post-processing included)",
                              "accelerator": "accelerator alone (QuTiBench's compute figures)"}
#: level -> (latency column in ms, throughput column in inputs/s) of the measurements
LEVEL_COLUMNS: dict[str, tuple[str, str]] = {"accelerator": ("lat_comp_ms", "fps_comp"),
                                            "board": ("lat_sys_ms", "fps_system")}
MAX_BATCH = 1_000_000
#: The text form of "no overrides" and "no platforms of your own" (what a link carries when empty).
NO_OVERRIDES = "{}"
NO_PLATFORMS = "[]"


@dataclass(frozen=True)
class Storage:
    """Where a network's weights and activations live, which sets the bytes moved per input:
    ``weights`` off-chip (every input reads them; QuTiBench's default), per-batch (once per batch of
    ``batch``), on-chip, or automatic (on chip where they fit); ``activations`` on or off chip.
    Invalid values raise ValueError naming them."""

    weights: str = "off-chip"
    batch: int = 1
    activations: str = "on-chip"

    def __post_init__(self) -> None:
        if self.weights not in WEIGHT_MODES:
            raise ValueError(f"weights must be one of {', '.join(WEIGHT_MODES)}, got {self.weights!r}")
        if self.activations not in ACTIVATION_MODES:
            raise ValueError(f"activations must be one of {', '.join(ACTIVATION_MODES)}, got {self.activations!r}")
        whole = isinstance(self.batch, int | np.integer) and not isinstance(self.batch, bool)
        if not whole or not 1 <= self.batch <= MAX_BATCH:
            raise ValueError(f"batch must be a whole number from 1 to {MAX_BATCH:,}, got {self.batch!r}")
        object.__setattr__(self, "batch", int(self.batch))


#: QuTiBench's storage assumption: weights read off chip by every input, activations on chip.
QUTIBENCH_STORAGE = Storage()


@dataclass(frozen=True)
class HardwareWhatIf:
    """What changes the catalog: scales of every platform's bandwidth and peaks (above 0), per-device
    absolute overrides and the user's own platforms (both as their JSON text, so the value is
    hashable). Applied in one place, :func:`qb_core.hardware.whatif.apply_whatif`."""

    bandwidth_scale: float = 1.0
    peak_scale: float = 1.0
    overrides_text: str = NO_OVERRIDES
    custom_text: str = NO_PLATFORMS

    def __post_init__(self) -> None:
        for label, value in (("bandwidth scale", self.bandwidth_scale), ("peak scale", self.peak_scale)):
            if isinstance(value, bool) or not isinstance(value, int | float | np.number) or not np.isfinite(value) \
                    or value <= 0:
                raise ValueError(f"{label} must be a number above 0, got {value}")
        object.__setattr__(self, "bandwidth_scale", float(self.bandwidth_scale))
        object.__setattr__(self, "peak_scale", float(self.peak_scale))

    @property
    def on_datasheet(self) -> HardwareWhatIf:
        """The same platforms (own ones kept) with no scale and no override."""
        return HardwareWhatIf(custom_text=self.custom_text)


@dataclass(frozen=True)
class Asked:
    """One question: ``kind`` (:data:`QUESTIONS`), ``level`` (:data:`LEVELS`) and, for ``batch``,
    the batch N (a whole number of at least 1). Invalid values raise ValueError naming them."""

    kind: str = "throughput-best"
    level: str = "board"
    batch: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in QUESTIONS:
            raise ValueError(f"question must be one of {', '.join(QUESTIONS)}, not {self.kind!r}")
        if self.level not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {self.level!r}")
        if self.kind == "batch":
            ok = isinstance(self.batch, int) and not isinstance(self.batch, bool) and 1 <= self.batch <= MAX_BATCH
            if not ok:
                raise ValueError(f"a question at batch N needs N from 1 to {MAX_BATCH:,}, not {self.batch!r}")
        elif self.batch is not None:
            object.__setattr__(self, "batch", None)  # only a batch-N question has a batch

    @property
    def fixed_batch(self) -> int | None:
        """The batch every answer is at (1, N), or None when each platform's best batch is."""
        return 1 if self.kind == "latency-b1" else self.batch

    @property
    def text(self) -> str:
        what = f"latency and throughput at batch {self.batch:,}" if self.kind == "batch" else QUESTION_TEXT[self.kind]
        return f"{what}, {self.level} level"


def level_figures(measured: pd.DataFrame, level: str) -> tuple[np.ndarray, np.ndarray]:
    """(inputs/s, latency of the batch in ms) of measured rows at ``level``: each from its own column
    (:data:`LEVEL_COLUMNS`), else from the other one and the batch (latency = 1000 x batch / fps);
    NaN where neither was measured or a figure is not a positive number."""
    latency_column, fps_column = LEVEL_COLUMNS[level]

    def positive(column: str) -> np.ndarray:
        if column not in measured:
            return np.full(len(measured), np.nan)
        values = pd.to_numeric(measured[column], errors="coerce").to_numpy(dtype=float)
        return np.where(np.isfinite(values) & (values > 0), values, np.nan)

    batch = pd.to_numeric(measured["batch"], errors="coerce").to_numpy(dtype=float)
    fps, latency = positive(fps_column), positive(latency_column)
    return (np.where(np.isfinite(fps), fps, throughput_of(batch, latency)),
            np.where(np.isfinite(latency), latency, batch_latency_ms(batch, fps)))
