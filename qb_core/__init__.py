"""QB Explorer's calculation core: topologies, hardware, rooflines, measurements, Pareto.

Pure pandas/numpy, no Streamlit: the app, the CLI (``python -m qb_core``) and the tests share it.
"""
