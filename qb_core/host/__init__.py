"""This machine as a platform: its measured roofline (peaks and bandwidth) and networks measured on
it with onnxruntime."""
