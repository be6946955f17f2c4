"""The official Fashion-MNIST files as PyTorch tensors, for the accuracy references (pytorch_seed000.py, pytorch_seed001.py)."""
import gzip, os
import numpy as np
import torch


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
