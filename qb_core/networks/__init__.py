"""Networks: the layer table every network is described by, the bundled networks (CNV and MLP
from their layer model, the ImageNet zoo, published totals), a user's networks read from a layer
CSV or an ONNX file, the variant table and its traffic under a storage assumption."""
