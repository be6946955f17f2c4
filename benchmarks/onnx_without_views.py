"""Writes a copy of an exported model.onnx without its test-time views (the image alone), so that
`dotnet run --project benchmarks -c Release -- views COPY.onnx` can score the same weights on each view set.
usage: /usr/bin/python3 benchmarks/onnx_without_views.py MODEL.onnx OUT.onnx   (Debian's python3-onnx)"""
import sys

import onnx

model = onnx.load(sys.argv[1])
graph = model.graph
stacked = next(n for n in graph.node if n.op_type == "Concat" and n.name.startswith("tta_views")).output[0]
per_view = next(n for n in graph.node if n.op_type == "Reshape" and n.name.startswith("tta_grouped")).input[0]
for node in graph.node:
    node.input[:] = ["input" if i == stacked else i for i in node.input]
    if node.op_type == "Identity" and node.name == "logits":
        node.input[0] = per_view   # the logits of the one view left, before the mean over views
kept = [n for n in graph.node if not n.name.startswith("tta_")]
del graph.node[:]
graph.node.extend(kept)
used = {i for n in graph.node for i in n.input}
initializers = [t for t in graph.initializer if t.name in used]
del graph.initializer[:]
graph.initializer.extend(initializers)
# The copy scores the image alone: the views' description and the accuracy measured with them describe another model.
kept_metadata = [p for p in model.metadata_props if p.key not in ("test_time_augmentation", "test_accuracy", "test_images")]
del model.metadata_props[:]
model.metadata_props.extend(kept_metadata)
onnx.checker.check_model(model)
onnx.save(model, sys.argv[2])
