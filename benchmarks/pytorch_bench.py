#!/usr/bin/python3
"""A preset's net in Debian's PyTorch (CPU), timed like `Training bench`: random data, fixed batch, Adam, training
images/second after a warm-up, then inference images/second. Prints one JSON object. `--net mcnn-paper` (seed001, the
default) or `--net fast` (the default preset's VGG-style net).

usage: /usr/bin/python3 benchmarks/pytorch_bench.py [--net mcnn-paper|fast] [--batch-size 128] [--seconds 10] [--threads 2]
"""
import argparse, json, time
import torch
import torch.nn as nn

p = argparse.ArgumentParser()
p.add_argument("--net", choices=["mcnn-paper", "seed001", "fast"], default="mcnn-paper")
p.add_argument("--batch-size", type=int, default=128)
p.add_argument("--seconds", type=float, default=10)
p.add_argument("--threads", type=int, default=2)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(1)


def block(cin, cout):
    # Conv 3×3 same → ReLU → BatchNorm → MaxPool 2 (Keras 'same': pad after when odd) → Dropout 0.25
    return [nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(cout),
            nn.MaxPool2d(2, 2, ceil_mode=True), nn.Dropout(0.25)]  # ceil_mode = Keras "same" for pool 2 stride 2


def mcnn_paper():
    layers = []
    for cin, cout in [(1, 32), (32, 32), (32, 64), (64, 64), (64, 128)]:
        layers += block(cin, cout)
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(128, 512), nn.ReLU(), nn.BatchNorm1d(512), nn.Linear(512, 10))


def fast():
    """Presets.Fast: conv 3×3 same (no bias) → BN → ReLU at 32 (28²), 64 ×2 (14²), 128 ×2 (7²), max-pool 2 'same'
    between and after (ceil mode: 7 → 4), global average pool, Linear(128, 10)."""
    layers, cin = [], 1
    for cout, pool in [(32, True), (64, False), (64, True), (128, False), (128, True)]:
        layers += [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]
        if pool:
            layers.append(nn.MaxPool2d(2, 2, ceil_mode=True))
        cin = cout
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, 10))


net = fast() if a.net == "fast" else mcnn_paper()
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
x = torch.rand(a.batch_size * 8, 1, 28, 28)
y = torch.randint(0, 10, (a.batch_size * 8,))


def train_for(seconds):
    net.train()
    images, start, i = 0, time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        xb = x[(i % 8) * a.batch_size:(i % 8 + 1) * a.batch_size]
        yb = y[(i % 8) * a.batch_size:(i % 8 + 1) * a.batch_size]
        opt.zero_grad(set_to_none=True)
        loss_fn(net(xb), yb).backward()
        opt.step()
        images += a.batch_size
        i += 1
    return images / (time.perf_counter() - start)


train_for(a.seconds * 0.25)
train_rate = train_for(a.seconds)
net.eval()
with torch.no_grad():
    net(x)
    images, start = 0, time.perf_counter()
    while time.perf_counter() - start < a.seconds:
        net(x)
        images += len(x)
    infer_rate = images / (time.perf_counter() - start)
print(json.dumps({"framework": f"PyTorch {torch.__version__}", "net": a.net, "threads": a.threads, "batchSize": a.batch_size,
                  "trainImagesPerSecond": round(train_rate, 1), "inferenceImagesPerSecond": round(infer_rate, 1)}))
