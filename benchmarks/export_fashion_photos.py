"""Renders Fashion-MNIST test images as catalogue-style photos for the fine-tuning benchmark: dark garment on a light,
slightly uneven background, upscaled 28 -> 112 px (bicubic), a 24 px margin, a little blur and noise, saved as JPEG
(quality 80). Writes OUT/train/<k-name>/ (PER_CLASS images of each class) and OUT/test/<k-name>/ (the next TEST_PER_CLASS,
disjoint), taken in file order from t10k-images (images a model trained on the training file has not seen). Folder
names start with the class number ("0-t-shirt-top" ... "9-ankle-boot"), so their ordinal order is Fashion-MNIST's.
usage: /usr/bin/python3 benchmarks/export_fashion_photos.py OUT [PER_CLASS [TEST_PER_CLASS [DATA_DIR]]]
       (defaults 20, 100, /usr/share/datasets/fashion-mnist; Debian's python3-numpy and python3-pil)"""
import gzip
import os
import sys

USAGE = "usage: /usr/bin/python3 benchmarks/export_fashion_photos.py OUT [PER_CLASS [TEST_PER_CLASS [DATA_DIR]]]"
NAMES = ["t-shirt-top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot"]
if sys.argv[1:] in (["-h"], ["--help"]):
    print(USAGE)
    sys.exit(0)
if not 2 <= len(sys.argv) <= 5 or not sys.argv[1]:
    print(USAGE, file=sys.stderr)
    sys.exit(2)


def fail(message, path):
    # One line, no traceback, as the project's other command lines answer bad input.
    print(f"error: {path}: {message}", file=sys.stderr)
    sys.exit(1)


out = sys.argv[1]
try:
    per_class = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    test_per_class = int(sys.argv[3]) if len(sys.argv) > 3 else 100
except ValueError:
    fail("expected whole numbers", "PER_CLASS and TEST_PER_CLASS")
if per_class < 1 or test_per_class < 1 or per_class + test_per_class > 1000:
    fail("expected 1 or more of each, at most 1,000 in all (the test file's images per class)", "PER_CLASS and TEST_PER_CLASS")
data_dir = sys.argv[4] if len(sys.argv) > 4 else "/usr/share/datasets/fashion-mnist"
try:
    import numpy as np
    from PIL import Image, ImageFilter
except ImportError as e:
    fail(f"{e.name} is missing (apt-get install python3-numpy python3-pil)", "export_fashion_photos.py")
if os.path.isdir(out) and os.listdir(out):
    fail("expected a new or empty folder (the export must not mix with other images)", out)


def idx(name, offset):
    path = os.path.join(data_dir, name)
    try:
        with gzip.open(path) as f:
            return np.frombuffer(f.read(), np.uint8, offset=offset)
    except OSError as e:
        fail(e.strerror or str(e), path)


images = idx("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28)
labels = idx("t10k-labels-idx1-ubyte.gz", 8)
random = np.random.default_rng(1)


def photo(pixels):
    garment = Image.fromarray(255 - pixels, mode="L").resize((112, 112), Image.BICUBIC)
    # A light, uneven backdrop (a table under a lamp), the garment multiplied onto it, a soft focus and sensor noise.
    y, x = np.mgrid[0:160, 0:160]
    backdrop = 235 - 20 * ((x - 60) ** 2 + (y - 70) ** 2) / (2 * 160 ** 2)
    canvas = np.full((160, 160), 255.0)
    canvas[24:136, 24:136] = np.asarray(garment, dtype=np.float64)
    canvas = canvas / 255.0 * backdrop + random.normal(0, 3, canvas.shape)
    image = Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8), mode="L").filter(ImageFilter.GaussianBlur(0.8))
    return image.convert("RGB")


written = 0
for k, name in enumerate(NAMES):
    rows = np.flatnonzero(labels == k)
    for part, chosen in (("train", rows[:per_class]), ("test", rows[per_class:per_class + test_per_class])):
        folder = os.path.join(out, part, f"{k}-{name}")
        try:
            os.makedirs(folder, exist_ok=True)
            for row in chosen:
                path = os.path.join(folder, f"{row:05d}.jpg")
                photo(images[row]).save(path + ".tmp", format="JPEG", quality=80)
                os.replace(path + ".tmp", path)
                written += 1
        except OSError as e:
            fail(e.strerror or str(e), e.filename or folder)
print(f"{written} photos written to {out}/train ({per_class} per class) and {out}/test ({test_per_class} per class)")
