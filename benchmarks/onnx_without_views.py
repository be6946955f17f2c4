"""Writes a copy of an exported model.onnx without its test-time views (the image alone), so that
`dotnet run --project benchmarks -c Release -- views COPY.onnx` can score the same weights on each view set.
usage: /usr/bin/python3 benchmarks/onnx_without_views.py MODEL.onnx OUT.onnx   (Debian's python3-onnx)"""
import sys

import onnx

USAGE = "usage: /usr/bin/python3 benchmarks/onnx_without_views.py MODEL.onnx OUT.onnx"
if sys.argv[1:] in (["-h"], ["--help"]):
    print(USAGE)
    sys.exit(0)
if len(sys.argv) != 3:
    print(USAGE, file=sys.stderr)
    sys.exit(2)


def fail(message, path=sys.argv[1]):
    # One line, no traceback: the other command lines README offers answer bad input the same way.
    print(f"error: {path}: {message}", file=sys.stderr)
    sys.exit(1)


try:
    model = onnx.load(sys.argv[1])
except OSError as e:
    fail(e.strerror or str(e))
except Exception as e:  # protobuf's DecodeError and friends: not an ONNX file
    fail(f"not an ONNX model ({e})")
graph = model.graph
stacked = next((n.output[0] for n in graph.node if n.op_type == "Concat" and n.name.startswith("tta_views")), None)
per_view = next((n.input[0] for n in graph.node if n.op_type == "Reshape" and n.name.startswith("tta_grouped")), None)
if stacked is None or per_view is None:
    fail("no test-time views in this model (it already scores the image alone)")
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
try:
    onnx.save(model, sys.argv[2])
except OSError as e:
    fail(e.strerror or str(e), sys.argv[2])
