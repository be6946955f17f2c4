#!/usr/bin/python3
"""Accuracy reference for the seed001 preset (the paper's "MCNN"): the same net trained in Debian's PyTorch at the
paper's settings, so our engine's seed001 figure can be compared with another framework's, not only with the paper's
93.37 % (measured on a split of the training set, not on the official test set).

Keras defaults throughout: Glorot-uniform weights, zero biases, batch norm with moving average 0.99 (PyTorch momentum
0.01) and epsilon 1e-3, Adam 1e-3 with epsilon 1e-7; batch 128, up to 100 epochs; a stratified 10 % of the training
set held out; early stopping (patience 5) keeping the best epoch's weights and ReduceLROnPlateau (patience 3, factor
0.5) on validation loss. Early stopping (and the best epoch kept) watches validation loss, as Keras' EarlyStopping does
by default and as our preset does (--monitor loss, the default here too); --monitor accuracy watches validation
accuracy, as the preset's first recipe did (benchmarks/experiments/seed001-monitor-accuracy.json). Prints one line
per seed: epochs run, the restored epoch, its validation accuracy, and the official test accuracy of the restored
weights and of the last epoch's (what Keras' EarlyStopping keeps at its default, restore_best_weights=False).

usage: /usr/bin/python3 benchmarks/pytorch_seed001.py [--data-dir /usr/share/datasets/fashion-mnist] [--seeds 1]
       [--monitor loss|accuracy] [--threads 2]
"""
import argparse, copy, time
import torch
import torch.nn as nn

import fashion_mnist

p = argparse.ArgumentParser()
p.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
p.add_argument("--seeds", type=int, nargs="+", default=[1])
p.add_argument("--threads", type=int, default=2)
p.add_argument("--epochs", type=int, default=100)
p.add_argument("--monitor", choices=["accuracy", "loss"], default="loss")
a = p.parse_args()
torch.set_num_threads(a.threads)

x_all, y_all, x_test, y_test = fashion_mnist.load(a.data_dir)


def mcnn():
    """Five blocks of conv 3×3 same → ReLU → BN → max-pool 2/2 'same' (ceil mode: 28→14→7→4→2→1) → dropout 0.25."""
    layers, channels = [], 1
    for filters in (32, 32, 64, 64, 128):
        layers += [nn.Conv2d(channels, filters, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(filters, eps=1e-3, momentum=0.01),
                   nn.MaxPool2d(2, 2, ceil_mode=True), nn.Dropout(0.25)]
        channels = filters
    layers += [nn.Flatten(), nn.Linear(128, 512), nn.ReLU(), nn.BatchNorm1d(512, eps=1e-3, momentum=0.01), nn.Linear(512, 10)]
    return fashion_mnist.keras_init(nn.Sequential(*layers))


evaluate = fashion_mnist.evaluate


for seed in a.seeds:
    torch.manual_seed(seed)
    x_train, y_train, x_val, y_val = fashion_mnist.hold_out(x_all, y_all, 0.1, seed)
    net = mcnn()
    params = sum(t.numel() for t in net.parameters())
    buffers = sum(b.numel() for n, b in net.named_buffers() if "running" in n)
    opt = fashion_mnist.adam(net)
    best, best_state, best_epoch, wait = None, None, 0, 0
    plateau_best, plateau_wait = float("inf"), 0
    started = time.time()
    for epoch in range(1, a.epochs + 1):
        fashion_mnist.train_epoch(net, opt, x_train, y_train, 128)
        val_loss, val_acc = evaluate(net, x_val, y_val)
        score = -val_loss if a.monitor == "loss" else val_acc
        if best is None or score > best:
            best, best_state, best_epoch, wait = score, copy.deepcopy(net.state_dict()), epoch, 0
        else:
            wait += 1
        if val_loss < plateau_best - 1e-4:
            plateau_best, plateau_wait = val_loss, 0
        else:
            plateau_wait += 1
            if plateau_wait >= 3:
                for g in opt.param_groups: g["lr"] *= 0.5
                plateau_wait = 0
        print(f"  seed {seed} epoch {epoch}: val loss {val_loss:.4f} acc {val_acc:.2%} lr {opt.param_groups[0]['lr']:.2e}", flush=True)
        if wait >= 5:
            break
    _, last_test_acc = evaluate(net, x_test, y_test)
    net.load_state_dict(best_state)
    _, val_acc = evaluate(net, x_val, y_val)
    _, test_acc = evaluate(net, x_test, y_test)
    print(f"seed {seed}: {params + buffers:,} parameters ({buffers:,} batch-norm statistics), monitor {a.monitor}, "
          f"{epoch} epochs, best epoch {best_epoch} restored (validation {val_acc:.2%}), test accuracy {test_acc:.2%} "
          f"(last epoch's weights: {last_test_acc:.2%}), {(time.time() - started) / 60:.1f} min", flush=True)
