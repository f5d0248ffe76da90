"""Analyses over question parts: selections, roofline predictions, the measured/predicted join,
per-layer rooflines, energy, Pareto fronts, the finder, the overview and the sentences that explain
them."""
