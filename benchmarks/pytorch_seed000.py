#!/usr/bin/python3
"""Accuracy reference for the seed000 preset: the article's net trained in Debian's PyTorch at the article's settings
(Keras defaults: Glorot-uniform weights, zero biases, Adam 1e-3 with epsilon 1e-7; batch 1000, 10 epochs, all 60,000
training images, inputs / 255), so our engine's seed000 figure can be compared with another framework's, not only
with the article's. Prints one line per seed: final training accuracy and official test accuracy.

usage: /usr/bin/python3 benchmarks/pytorch_seed000.py [--data-dir /usr/share/datasets/fashion-mnist] [--seeds 1 2 3]
"""
import argparse
import torch
import torch.nn as nn

import fashion_mnist

p = argparse.ArgumentParser()
p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
p.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
p.add_argument("--threads", type=int, default=2)
p.add_argument("--epochs", type=int, default=10)
a = p.parse_args()
torch.set_num_threads(a.threads)

x_train, y_train, x_test, y_test = fashion_mnist.load(a.data_dir)

for seed in a.seeds:
    torch.manual_seed(seed)
    # Conv(32, 2×2 valid) → ReLU → MaxPool 2 → Conv(64, 2×2 valid) → ReLU → Flatten (64·12·12) → Dense(10)
    net = nn.Sequential(nn.Conv2d(1, 32, 2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 2), nn.ReLU(),
                        nn.Flatten(), nn.Linear(64 * 12 * 12, 10))
    fashion_mnist.keras_init(net)
    opt = fashion_mnist.adam(net)
    for epoch in range(a.epochs):
        train_acc = fashion_mnist.train_epoch(net, opt, x_train, y_train, 1000)
    _, test_acc = fashion_mnist.evaluate(net, x_test, y_test)
    print(f"seed {seed}: last-epoch training accuracy {train_acc:.2%}, test accuracy {test_acc:.2%}", flush=True)
