"""Rebuild the bundled dataset under data/ from a QuTiBench source folder (``make data``).

Usage: ``python -m qb_core.measurements.build_data ../shared/qutibench``. Writes measurements.csv,
import_report.csv, topologies_published.csv and accuracy.csv, all in the project's schema.
"""

from __future__ import annotations

import sys
from pathlib import Path

from qb_core.measurements.accuracy import import_accuracy
from qb_core.measurements.dataset import import_published_topologies, import_qutibench
from qb_core.paths import DATA_DIR


def build(source_dir: Path, target_dir: Path = DATA_DIR) -> str:
    """Convert the QuTiBench files in ``source_dir``; return a one-line summary."""
    published = import_published_topologies(source_dir / "cnn_topologies_compute_memory_requirements.csv",
                                            source_dir / "topology_details.csv")
    published.to_csv(target_dir / "topologies_published.csv", index=False)
    result = import_qutibench(source_dir / "measurements.csv")
    result.measurements.to_csv(target_dir / "measurements.csv", index=False)
    result.problems.to_csv(target_dir / "import_report.csv", index=False)
    accuracy = import_accuracy(source_dir / "cnn_topologies_accuracy.csv")
    accuracy.to_csv(target_dir / "accuracy.csv", index=False)
    return (f"{len(result.measurements)} measurement rows, {result.skipped} skipped, "
            f"{len(result.problems) - result.skipped} warnings; {len(published)} published topologies; "
            f"{len(accuracy)} accuracy cells ({int(accuracy['measured'].sum())} measured)")


if __name__ == "__main__":
    if len(sys.argv) != 2 or not Path(sys.argv[1]).is_dir():
        sys.exit("usage: python -m qb_core.measurements.build_data QUTIBENCH_DIR")
    print(build(Path(sys.argv[1])))
