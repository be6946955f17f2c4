#!/usr/bin/python3
"""Builds the seed001 net in PyTorch with the weights the engine wrote (weights.json, engine order), checks it
computes the engine's probabilities, and exports it with torch.onnx.export (opset 17, dynamic batch) — the ONNX a
PyTorch user would ship. usage: export_torch.py DIR   (reads DIR/weights.json, DIR/check.json; writes DIR/torch.onnx)
"""
import json, sys, os
import torch
import torch.nn as nn

d = sys.argv[1]
w = json.load(open(os.path.join(d, "weights.json")))
layers = []
for cin, cout in [(1, 32), (32, 32), (32, 64), (64, 64), (64, 128)]:
    # Keras 'same' 2×2/2 pooling equals ceil_mode on these sizes (28→14→7→4→2→1).
    layers += [nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(cout), nn.MaxPool2d(2, 2, ceil_mode=True), nn.Dropout(0.25)]
net = nn.Sequential(*layers, nn.Flatten(), nn.Linear(128, 512), nn.ReLU(), nn.BatchNorm1d(512), nn.Linear(512, 10), nn.Softmax(dim=1))
tensors = [t for m in net.modules() for t in
           ([m.weight, m.bias] if isinstance(m, (nn.Conv2d, nn.Linear)) else
            [m.weight, m.bias, m.running_mean, m.running_var] if isinstance(m, (nn.BatchNorm2d, nn.BatchNorm1d)) else [])]
assert len(tensors) == len(w), (len(tensors), len(w))
with torch.no_grad():
    for t, values in zip(tensors, w):
        t.copy_(torch.tensor(values, dtype=torch.float32).reshape(t.shape))
net.eval()
check = json.load(open(os.path.join(d, "check.json")))
x = torch.tensor(check["input"], dtype=torch.float32).reshape(-1, 1, 28, 28)
diff = (net(x) - torch.tensor(check["probabilities"]).reshape(-1, 10)).abs().max().item()
assert diff < 1e-4, f"PyTorch and the engine disagree by {diff}"
torch.onnx.export(net, x[:1], os.path.join(d, "torch.onnx"), opset_version=17, input_names=["input"], output_names=["probabilities"],
                  dynamic_axes={"input": {0: "N"}, "probabilities": {0: "N"}})
print(f"torch.onnx written; PyTorch matches the engine within {diff:.2e}")
