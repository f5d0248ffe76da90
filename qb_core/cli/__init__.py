"""The command line (``python -m qb_core``): a registry of commands, one module per group of them."""
