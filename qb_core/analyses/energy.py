"""Energy per input, measured and ideal, with a note wherever an "ideal" is worse than reality.

Notes
-----
measured:  mj_per_input       = 1000 x full_power_w / measured_fps
ideal:     ideal_mj_per_input = 1000 x ideal_power_w / predicted_fps
           ideal_power_w      = the configuration's own measured full power (the board at that op
                                mode running that network), else the datasheet power
datasheet: predicted_mj_per_input = 1000 x power_w / predicted_fps (the join's column)
above idle: mj_above_idle     = 1000 x (full_power_w - idle_power_w) / measured_fps: what running the
                                network adds to a board that would be on anyway (NaN without an idle
                                figure, or where the board reports the same power idle and loaded)

The datasheet gives one power figure per board (TX2: 15 W for its three op modes), the ceiling
of its fastest mode, so an energy from it can exceed what a slower mode measured. The ideal uses
the power measured at the op mode instead; it is above the measurement only where the
measurement beats the roofline (efficiency above 100 %), and every such row carries its note.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qb_core.units import above, inputs_per_joule, mj_per_input

#: Where the ideal's power figure comes from.
POWER_MEASURED = "measured at this op mode"
POWER_DATASHEET = "datasheet"


def ideal_energy(paired: pd.DataFrame) -> pd.DataFrame:
    """``paired`` rows of the join with ``ideal_power_w``, ``ideal_power_from``,
    ``ideal_mj_per_input``, ``ideal_inputs_per_joule``, ``mj_above_idle``,
    ``inputs_per_joule_above_idle`` and ``energy_note``: why an ideal (at the measured or the
    datasheet power) is above the measured energy, '' where none is."""
    measured_power = paired["full_power_w"].astype(float).where(lambda w: w > 0)
    datasheet_power = paired["power_w"].astype(float).where(lambda w: w > 0)
    power = measured_power.fillna(datasheet_power)
    predicted = paired["predicted_fps"].astype(float)
    table = paired.assign(
        ideal_power_w=power,
        ideal_power_from=np.where(measured_power.notna(), POWER_MEASURED,
                                  np.where(datasheet_power.notna(), POWER_DATASHEET, "")),
        ideal_mj_per_input=mj_per_input(power, predicted),
        ideal_inputs_per_joule=inputs_per_joule(predicted, power),
    )
    idle = paired["idle_power_w"].astype(float).where(lambda w: w > 0) if "idle_power_w" in paired else np.nan
    added = (measured_power - idle).clip(lower=0.0)
    fps = paired["measured_fps"].astype(float)
    table = table.assign(mj_above_idle=mj_per_input(added, fps),
                         inputs_per_joule_above_idle=inputs_per_joule(fps, added))
    return table.assign(energy_note=energy_notes(table))


def energy_notes(table: pd.DataFrame) -> pd.Series:
    """Per row, why an "ideal" energy is above the measured one (computed from the row)."""
    measured = table["mj_per_input"].astype(float)
    beats = above(table["ideal_mj_per_input"], measured)
    over_datasheet = above(table["predicted_mj_per_input"], measured)
    efficiency = table["efficiency_pct"].astype(float).map(lambda v: f"{v:,.0f}")
    measured_w = table["full_power_w"].astype(float).map(lambda v: f"{v:.3g}")
    datasheet_w = table["power_w"].astype(float).map(lambda v: f"{v:.3g}")
    beat_text = ("the measurement beats the roofline (efficiency " + efficiency + " %): the roofline's storage "
                 "assumption does not hold here, so its energy is no ideal.")
    sheet_text = ("the datasheet's " + datasheet_w + " W is the board's ceiling (its fastest op mode); this run "
                  "drew " + measured_w + " W, so an energy at the datasheet power is above the measured one.")
    notes = pd.Series("", index=table.index, dtype=object)
    notes[beats] = "Ideal above measured: " + beat_text[beats]
    sheet_only = over_datasheet & ~beats
    notes[sheet_only] = "Datasheet energy above measured: " + sheet_text[sheet_only]
    both = over_datasheet & beats
    notes[both] = notes[both] + " Datasheet energy too: " + sheet_text[both]
    return notes


def constant_power(rows: pd.DataFrame) -> pd.DataFrame:
    """Devices and configurations whose full power never changes: one value over every row of a
    device (``scope`` "device", e.g. U96-A53's 14.5 W for every CIFAR-10 precision, pruning and
    batch), or over every batch of a configuration (``scope`` "configuration"). Such a figure is
    a constant, not a per-run measurement, so the energy computed from it follows throughput alone.
    Columns: ``scope``, ``device``, ``config``, ``full_power_w``, ``rows``."""
    measured = rows[rows["full_power_w"].astype(float) > 0].astype({"device": str, "config": str})
    columns = ["scope", "device", "config", "full_power_w", "rows"]
    if measured.empty:
        return pd.DataFrame(columns=columns)
    per_device = measured.groupby("device")["full_power_w"].agg(["nunique", "count", "first"])
    devices = per_device[(per_device["nunique"] == 1) & (per_device["count"] > 1)]
    per_config = measured.groupby(["device", "config"])["full_power_w"].agg(["nunique", "count", "first"])
    configs = per_config[(per_config["nunique"] == 1) & (per_config["count"] > 1)].reset_index()
    configs = configs[~configs["device"].isin(devices.index)]
    return pd.concat([
        pd.DataFrame({"scope": "device", "device": devices.index, "config": "",
                      "full_power_w": devices["first"].to_numpy(), "rows": devices["count"].to_numpy()}),
        pd.DataFrame({"scope": "configuration", "device": configs["device"], "config": configs["config"],
                      "full_power_w": configs["first"], "rows": configs["count"]}),
    ], ignore_index=True)[columns]


def power_setups(rows: pd.DataFrame) -> pd.DataFrame:
    """Devices measured on more than one setup: rows of one device that report different base
    (resting) powers come from different host boards, so their energies are not comparable across
    setups (EdgeTPU: 0.81 W under the EfficientNets, 0.253 W under GoogLeNet and MobileNet). One row
    per device x base power: ``device``, ``base_power_w``, ``networks`` (comma-separated), ``rows``."""
    columns = ["device", "base_power_w", "networks", "rows"]
    if "base_power_w" not in rows:
        return pd.DataFrame(columns=columns)
    known = rows[rows["base_power_w"].astype(float) > 0].astype({"device": str, "topology": str})
    counts = known.groupby("device")["base_power_w"].nunique()
    several = known[known["device"].isin(counts[counts > 1].index)]
    if several.empty:
        return pd.DataFrame(columns=columns)
    grouped = several.groupby(["device", "base_power_w"])
    return pd.DataFrame({"networks": grouped["topology"].agg(lambda t: ", ".join(sorted(set(t)))),
                         "rows": grouped.size()}).reset_index()[columns]
