"""Exports scikit-learn's digits (1,797 8x8 images of 0-9, UCI's optical recognition set; Debian's python3-sklearn)
as grayscale PNGs into OUT/<digit>/<index>.png, light digit on black as the data set stores it (0-16 scaled to 0-255),
for `train --images OUT`: a real labelled image set this project did not make.
usage: /usr/bin/python3 benchmarks/export_digits.py OUT"""
import os
import sys

USAGE = "usage: /usr/bin/python3 benchmarks/export_digits.py OUT"
if sys.argv[1:] in (["-h"], ["--help"]):
    print(USAGE)
    sys.exit(0)
if len(sys.argv) != 2 or not sys.argv[1]:
    print(USAGE, file=sys.stderr)
    sys.exit(2)
out = sys.argv[1]


def fail(message, path=out):
    # One line, no traceback, as the project's other command lines answer bad input.
    print(f"error: {path}: {message}", file=sys.stderr)
    sys.exit(1)


try:
    from sklearn.datasets import load_digits
    from PIL import Image
except ImportError as e:
    fail(f"{e.name} is missing (apt-get install python3-sklearn python3-pil)", "export_digits.py")

if os.path.isfile(out):
    fail("expected a folder, found a file")
if os.path.isdir(out) and os.listdir(out):
    fail("expected a new or empty folder (the export must not mix with other images)")
digits = load_digits()
try:
    for index, (image, label) in enumerate(zip(digits.images, digits.target)):
        folder = os.path.join(out, str(label))
        os.makedirs(folder, exist_ok=True)
        pixels = (image * 255.0 / 16.0).round().astype("uint8")
        path = os.path.join(folder, f"{index:04d}.png")
        Image.fromarray(pixels, mode="L").save(path + ".tmp", format="PNG")
        os.replace(path + ".tmp", path)
except OSError as e:
    fail(e.strerror or str(e), e.filename or out)
print(f"{len(digits.target)} images of {len(digits.target_names)} classes written to {out}")
