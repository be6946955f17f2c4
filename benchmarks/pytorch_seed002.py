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
    return fashion_mnist.keras_init(net)


for seed in a.seeds:
    torch.manual_seed(seed)
    x_train, y_train, x_val, y_val = fashion_mnist.hold_out(x_all, y_all, a.validation_fraction, seed)
    net = net002()
    opt = fashion_mnist.adam(net)
    started = time.time()
    for epoch in range(1, a.epochs + 1):
        train_acc = fashion_mnist.train_epoch(net, opt, x_train, y_train, 128)
    val = f", held-out accuracy {fashion_mnist.evaluate(net, x_val, y_val)[1]:.2%}" if len(y_val) else ""
    print(f"seed {seed}: padding {a.padding}, last-epoch training accuracy {train_acc:.2%}{val}, "
          f"test accuracy {fashion_mnist.evaluate(net, x_test, y_test)[1]:.2%}, {(time.time() - started) / 60:.1f} min", flush=True)
