"""What the PyTorch accuracy references (pytorch_seed000/001/002.py) share: the official Fashion-MNIST files as
tensors, Keras' default initialisation, the preset's stratified hold-out, one training epoch and an evaluation."""
import gzip, os
import numpy as np
import torch
import torch.nn as nn


def load(data_dir):
    """(x_train, y_train, x_test, y_test): images [n, 1, 28, 28] as pixels / 255 (float32), labels int64."""
    def idx(name, offset):
        with gzip.open(os.path.join(data_dir, name)) as f:
            return np.frombuffer(f.read(), np.uint8, offset=offset)

    def images(name):
        return torch.from_numpy(idx(name, 16).reshape(-1, 1, 28, 28).astype(np.float32) / 255)

    def labels(name):
        return torch.from_numpy(idx(name, 8).astype(np.int64))

    return (images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz"),
            images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz"))


def keras_init(net):
    """Keras' defaults for Conv2D and Dense: Glorot-uniform weights, zero biases (PyTorch's own are Kaiming-uniform)."""
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return net


def adam(net):
    """Adam 1e-3 with Keras' epsilon (1e-7; PyTorch's default is 1e-8)."""
    return torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)


def hold_out(x, y, fraction, seed):
    """(x_train, y_train, x_val, y_val): a stratified `fraction` of each class held out, drawn with `seed`."""
    rng = np.random.default_rng(seed)
    per_class = int(round(len(y) / 10 * fraction))
    held = np.concatenate([rng.permutation(np.flatnonzero(y.numpy() == c))[:per_class] for c in range(10)])
    mask = np.ones(len(y), bool)
    mask[held] = False
    return x[mask], y[mask], x[held], y[held]


def train_epoch(net, opt, x, y, batch_size):
    """One epoch over a fresh permutation (the last batch partial); returns the training accuracy seen on the way."""
    net.train()
    correct = 0
    for batch in torch.randperm(len(y)).split(batch_size):
        opt.zero_grad(set_to_none=True)
        logits = net(x[batch])
        nn.functional.cross_entropy(logits, y[batch]).backward()
        opt.step()
        correct += (logits.argmax(1) == y[batch]).sum().item()
    return correct / len(y)


def evaluate(net, x, y):
    """(mean cross-entropy, accuracy) in inference mode, in batches of 1000."""
    net.eval()
    with torch.no_grad():
        loss, correct = 0.0, 0
        for xb, yb in zip(x.split(1000), y.split(1000)):
            logits = net(xb)
            loss += nn.functional.cross_entropy(logits, yb, reduction="sum").item()
            correct += (logits.argmax(1) == yb).sum().item()
    return loss / len(y), correct / len(y)
