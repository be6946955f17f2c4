#!/usr/bin/env bash
# A phone photo through the service: a 4032×3024 JPEG of an ankle boot (a Fashion-MNIST test image, dark on a white
# backdrop, stored sideways with EXIF orientation 6, as phones store portrait shots) sent to POST /predict of a
# `serve` process on 127.0.0.1. Prints the label, p50/p90 of REQUESTS sequential uploads (curl's time_total: upload,
# decode, preprocessing, model, answer) and the service's peak RSS (VmHWM) after ROUNDS rounds of 10 concurrent
# uploads. Goals (issue: phone photos): correct label, p50 ≤ 50 ms, peak RSS ≤ 300 MB. Measure on a quiet machine.
# usage: benchmarks/phone_upload.sh MODEL.onnx [REQUESTS] [ROUNDS]   (defaults 50 and 10)
set -euo pipefail
cd "$(dirname "$0")/.."
model=$(realpath "${1:?usage: benchmarks/phone_upload.sh MODEL.onnx [REQUESTS] [ROUNDS]}")
requests=${2:-50}; rounds=${3:-10}
work=$(mktemp -d); server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

dotnet build Scoring/MlNetFashion.Scoring.App.csproj -c Release --nologo -v quiet >/dev/null
photo="$work/boot.jpg"
/usr/bin/python3 - "$photo" <<'EOF'
import gzip, sys
import numpy as np
from PIL import Image, ImageFilter
with gzip.open('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz') as f:
    images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
with gzip.open('/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz') as f:
    labels = np.frombuffer(f.read(), np.uint8, offset=8)
boot = images[int(np.flatnonzero(labels == 9)[0])]
# Dark garment on a slightly warm white backdrop, 2,600 px tall in a 3024 × 4032 portrait frame, with sensor noise.
garment = Image.fromarray(255 - boot).resize((2600, 2600), Image.BICUBIC).filter(ImageFilter.GaussianBlur(6))
rgb = np.stack([np.asarray(garment, np.float32) * s for s in (1.0, 0.97, 0.92)], axis=-1)
canvas = np.full((4032, 3024, 3), (250, 244, 232), np.float32)
canvas[716:3316, 212:2812] = np.minimum(canvas[716:3316, 212:2812], rgb)
canvas += np.random.default_rng(1).normal(0, 3, canvas.shape)
upright = Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8))
# Orientation 6: the viewer turns the stored pixels 90° clockwise, so they are stored turned counter-clockwise.
stored = upright.transpose(Image.Transpose.ROTATE_90)
exif = Image.Exif()
exif[0x0112] = 6
stored.save(sys.argv[1], 'JPEG', quality=92, exif=exif.tobytes())
EOF

port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
dotnet Scoring/bin/Release/net10.0/MlNetFashion.Scoring.App.dll serve --model "$model" --urls "$url" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do curl -sf "$url/ready" >/dev/null 2>&1 && break; sleep 0.2; done
curl -sf "$url/ready" >/dev/null || { echo "phone_upload: the service did not become ready" >&2; cat "$work/serve.log" >&2; exit 1; }

post() { curl -s -o "$1" -w '%{time_total}\n' --data-binary @"$photo" -H 'Content-Type: image/jpeg' "$url/predict"; }
for _ in 1 2 3 4 5; do post /dev/null >/dev/null; done
for _ in $(seq 1 "$requests"); do post "$work/answer.json"; done | sort -n >"$work/times"
label=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["prediction"]["label"])' "$work/answer.json")
p50=$(awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR + 1) / 2)] * 1000 }' "$work/times")
p90=$(awk '{ a[NR] = $1 } END { printf "%.1f", a[int(NR * 0.9 + 0.5)] * 1000 }' "$work/times")
for _ in $(seq 1 "$rounds"); do
  seq 1 10 | xargs -P 10 -I{} curl -s -o /dev/null -w '%{http_code}\n' --data-binary @"$photo" \
    -H 'Content-Type: image/jpeg' "$url/predict" >>"$work/codes"
done
failed=$(grep -vc '^200$' "$work/codes" || true)
peak=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$server/status")
cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
echo "phone photo: $(stat -c %s "$photo") bytes, 3024×4032 stored, EXIF orientation 6; CPU: $cpu; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "| label | p50 | p90 | requests | peak RSS after $rounds × 10 concurrent | failed |"
echo "|---|---|---|---|---|---|"
echo "| $label | $p50 ms | $p90 ms | $requests | $peak MB | $failed of $((rounds * 10)) |"
[ "$label" = "Ankle boot" ] && [ "$failed" = 0 ]
