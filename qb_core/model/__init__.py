"""The calibrated model: latency and throughput at any batch from terms declared as data, fitted by
non-negative least squares per platform and level, with hold-outs, bands and evidence per answer."""
