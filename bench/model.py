"""The calibrated model (issue 15): its held-out errors per hold-out, computed from the CLI's rows,
and the time to fit it with all three hold-outs (median of 5)."""

import statistics
import time

from qb_core.hardware import catalog_long
from qb_core.measurements import load_measurements
from qb_core.model import CALIBRATED, HOLDOUTS, build_report

TARGET_PLATFORMS = ("TX2", "NCS2", "EdgeTPU")


def run():
    measured, hardware = load_measurements(), catalog_long()
    times = []
    for _ in range(5):
        start = time.perf_counter()
        report = build_report(measured, hardware)
        times.append(time.perf_counter() - start)
    yield "model: fit + network/variant/config hold-outs + nested bands", f"{statistics.median(times):.2f} s", "< 5 s"
    for holdout in HOLDOUTS:
        table = report.tables[holdout]
        if holdout == "network":
            table = table[table["platform"].isin(TARGET_PLATFORMS)]
        calibrated = table[table["status"] == CALIBRATED]
        scope = "TX2/NCS2/EdgeTPU" if holdout == "network" else "all tasks"
        target = {"network": "<= 25 %", "variant": "<= 15 %", "config": "<= 12 %"}[holdout]
        yield (f"model: leave one {holdout} out, median |error| ({scope})",
               f"{calibrated['error_pct'].abs().median():.1f} %", target)
        yield (f"model: leave one {holdout} out, rows calibrated ({scope})",
               f"{100 * len(calibrated) / len(table):.0f} %", ">= 75 %" if holdout == "network" else ">= 90 %")
        yield (f"model: leave one {holdout} out, nested 80 % band coverage",
               f"{100 * report.tables[holdout]['in_band'].mean():.0f} %", "70-90 %")
