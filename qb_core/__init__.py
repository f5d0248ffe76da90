"""QB Explorer's calculation core: networks, hardware, measurements, the analyses over them, the
batch-aware model, this machine as a platform, and the service that composes them per question.

Pure pandas/numpy, no Streamlit: the app, the CLI (``python -m qb_core``) and the tests share it.
The README's Layout section lists every module and its layer.
"""
