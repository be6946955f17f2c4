#!/usr/bin/python3
"""Accuracy reference for the seed002 preset: the article's net (3 convs, 2 max-pools, 2 dropouts, one hidden dense
layer, no pooling after the first conv) trained in Debian's PyTorch at the preset's settings, so our engine's seed002
figure can be compared with another framework's, not only with the article's 93 % test / 94 % training accuracy.

Keras defaults throughout: Glorot-uniform weights, zero biases, Adam 1e-3 with epsilon 1e-7; batch 128, 10 epochs,
inputs / 255, a stratified 10 % of the training set held out as the preset does (--validation-fraction 0: all
60,000). --padding same gives the variant with 'same' convolutions. Prints one line per seed: last-epoch training
accuracy, held-out accuracy and official test accuracy.

usage: /usr/bin/python3 benchmarks/pytorch_seed002.py [--data-dir /usr/share/datasets/fashion-mnist] [--seeds 1 2]
       [--padding valid|same] [--validation-fraction 0.1] [--threads 2]
"""
import argparse, time
import numpy as np
import torch
import torch.nn as nn

import fashion_mnist

p = argparse.ArgumentParser()
p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
p.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
p.add_argument("--threads", type=int, default=2)
p.add_argument("--epochs", type=int, default=10)
p.add_argument("--padding", choices=["valid", "same"], default="valid")
p.add_argument("--validation-fraction", type=float, default=0.1)
a = p.parse_args()
torch.set_num_threads(a.threads)

x_all, y_all, x_test, y_test = fashion_mnist.load(a.data_dir)


def net002():
    """Conv32 → ReLU → Conv64 → ReLU → pool → dropout 0.25 → Conv128 → ReLU → pool → dropout 0.25 → Dense128 → Dense10."""
    pad = 1 if a.padding == "same" else 0
    side = 7 if a.padding == "same" else 5  # valid: 28 → 26 → 24 → 12 → 10 → 5; same: 28 → 28 → 14 → 14 → 7
    net = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=pad), nn.ReLU(),
        nn.Conv2d(32, 64, 3, padding=pad), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
        nn.Conv2d(64, 128, 3, padding=pad), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
        nn.Flatten(), nn.Linear(128 * side * side, 128), nn.ReLU(), nn.Linear(128, 10))
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return net


def accuracy(net, x, y):
    net.eval()
    with torch.no_grad():
        return sum((net(xb).argmax(1) == yb).sum().item() for xb, yb in zip(x.split(1000), y.split(1000))) / len(y)


for seed in a.seeds:
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    per_class = int(round(6000 * a.validation_fraction))
    held = np.concatenate([rng.permutation(np.flatnonzero(y_all.numpy() == c))[:per_class] for c in range(10)])
    mask = np.ones(len(y_all), bool)
    mask[held] = False
    x_train, y_train, x_val, y_val = x_all[mask], y_all[mask], x_all[held], y_all[held]
    net = net002()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    started = time.time()
    for epoch in range(1, a.epochs + 1):
        net.train()
        correct = 0
        for batch in torch.randperm(len(x_train)).split(128):
            opt.zero_grad(set_to_none=True)
            logits = net(x_train[batch])
            nn.functional.cross_entropy(logits, y_train[batch]).backward()
            opt.step()
            correct += (logits.argmax(1) == y_train[batch]).sum().item()
    val = f", held-out accuracy {accuracy(net, x_val, y_val):.2%}" if len(y_val) else ""
    print(f"seed {seed}: padding {a.padding}, last-epoch training accuracy {correct / len(x_train):.2%}{val}, "
          f"test accuracy {accuracy(net, x_test, y_test):.2%}, {(time.time() - started) / 60:.1f} min", flush=True)
