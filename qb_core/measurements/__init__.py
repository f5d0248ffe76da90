"""Measurements: reading a measurement CSV into the tidy schema, the checks every row passes, the
published accuracy, the importer of QuTiBench's data, and batch sweeps."""
