"""Words the pages share: labels of the what-if choices and what each storage assumption means."""

from __future__ import annotations

WEIGHT_LABELS: dict[str, str] = {
    "off-chip": "Off chip, every input",
    "per-batch": "Off chip, once per batch",
    "on-chip": "On chip",
    "automatic": "Automatic (on chip if they fit)",
}
ACTIVATION_LABELS: dict[str, str] = {"on-chip": "On chip", "off-chip": "Off chip, every layer"}
ASSUMPTIONS: dict[str, str] = {
    "off-chip": "**Weights off chip, every input** (QuTiBench's assumption): each input reads every weight from "
                "off-chip memory once; activations are free. Intensity = ops / (params x bytes per weight).",
    "per-batch": "**Weights off chip, once per batch of N**: a batch of N inputs shares one read of the weights, "
                 "so weight traffic per input is divided by N and intensity grows N-fold. Measured configurations "
                 "are compared at the batch they were measured at.",
    "on-chip": "**Weights on chip**: the weights fit in on-chip memory (as in FINN's dataflow designs) and cost "
               "no bandwidth; only off-chip activations, if chosen, move bytes.",
    "automatic": "**Automatic**: the weights stay on chip where the variant's weights fit in the platform's on-chip "
                 "memory (BRAM/UltraRAM, L2 or scratchpad, `on_chip_mb` in the catalog), else every input reads "
                 "them. A platform whose on-chip size is unknown reads them.",
    "act-off-chip": "**Activations off chip**: every layer writes its output feature map off chip and reads its "
                    "input back, from the topology model's activation sizes.",
}
ROOFLINE_PRIMER = (
    "A roofline plots performance (TOP/s) against arithmetic intensity (operations per byte moved off chip), on "
    "log-log axes. Left of the ridge point the slanted roof, bandwidth x intensity, limits the network: it is "
    "**memory-bound**, and more bandwidth or fewer bytes (smaller precision, weights kept on chip) make it faster. "
    "Right of the ridge the flat roof, the peak TOP/s, limits it: it is **compute-bound**, and only a faster "
    "platform or fewer operations help."
)
