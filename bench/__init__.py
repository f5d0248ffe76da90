"""Benchmarks printed by ``make bench`` (medians of several runs)."""
