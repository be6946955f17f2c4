"""Writes the real-image families of the confidence benchmark as raw grayscale files for `confidence --model`.

usage: /usr/bin/python3 benchmarks/confidence_ood_images.py OUT_DIR [CROPS]

OUT_DIR/digits.u8: scikit-learn's 1,797 handwritten digits (8x8, 0..16 scaled to 0..255, ink bright on black).
OUT_DIR/photos.u8: CROPS (default 600) random square crops of scikit-image's sample photographs, resized to 64x64.
Each file: int32 little-endian count, height, width, then count*height*width bytes. Seeded: the same files every run.
"""
import os
import struct
import sys

import numpy as np


def write(path, images):
    images = np.ascontiguousarray(images, dtype=np.uint8)
    with open(path, "wb") as f:
        f.write(struct.pack("<iii", *images.shape))
        f.write(images.tobytes())


def digits():
    from sklearn.datasets import load_digits
    return np.round(load_digits().images * (255.0 / 16.0))


def photos(count, rng):
    from skimage import color, data, transform
    names = ["astronaut", "brick", "camera", "cat", "chelsea", "clock", "coffee", "coins", "grass", "gravel",
             "horse", "moon", "page", "rocket", "text", "hubble_deep_field", "immunohistochemistry", "retina"]
    sources = []
    for name in names:
        loader = getattr(data, name, None)
        if loader is None:
            continue
        try:
            image = loader()
        except Exception:  # a sample missing from this build of scikit-image: leave it out
            continue
        image = np.asarray(image, dtype=float)
        if image.ndim == 3:
            image = color.rgb2gray(image[..., :3] / (255.0 if image.max() > 1 else 1.0))
        elif image.max() > 1:
            image = image / 255.0
        sources.append(image)
    crops = np.empty((count, 64, 64))
    for i in range(count):
        image = sources[rng.integers(len(sources))]
        side = int(rng.integers(32, min(image.shape[:2]) + 1))
        y = int(rng.integers(0, image.shape[0] - side + 1))
        x = int(rng.integers(0, image.shape[1] - side + 1))
        crops[i] = transform.resize(image[y:y + side, x:x + side], (64, 64), anti_aliasing=True)
    return np.round(np.clip(crops, 0, 1) * 255), len(sources)


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 600
    rng = np.random.default_rng(33)
    os.makedirs(out, exist_ok=True)
    write(f"{out}/digits.u8", digits())
    crops, sources = photos(count, rng)
    write(f"{out}/photos.u8", crops)
    print(f"digits 1797, photos {count} crops of {sources} sample images")


if __name__ == "__main__":
    main()
