#!/usr/bin/env bash
# Engine vs PyTorch on the seed001 net, same batch and threads, one after the other in one run; prints both and the
# ratio. Repeats 3 times and reports medians (these machines are noisy).
# usage: benchmarks/bench_vs_pytorch.sh [--batch-size 128] [--seconds 10] [--threads 2]
set -euo pipefail
cd "$(dirname "$0")/.."
BATCH=128 SECONDS_EACH=10 THREADS=2
usage="usage: benchmarks/bench_vs_pytorch.sh [--batch-size 128] [--seconds 10] [--threads 2]"
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) echo "$usage"; exit 0 ;;
    # A value is required: under set -u a bare "--seconds" died with "\$2: unbound variable".
    --batch-size|--seconds|--threads) [ $# -ge 2 ] || { echo "error: $1: expected a value ($usage)" >&2; exit 2; } ;;&
    --batch-size) BATCH=$2; shift 2 ;; --seconds) SECONDS_EACH=$2; shift 2 ;; --threads) THREADS=$2; shift 2 ;;
    *) echo "error: unknown option $1 ($usage)" >&2; exit 2 ;;
  esac
done
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "PyTorch reference needs Debian's python3-torch (apt-get install python3-torch)" >&2; exit 1
fi
dotnet build Training -c Release -v q --nologo >/dev/null
ours=() theirs=() ours_inf=() theirs_inf=()
for run in 1 2 3; do
  o=$(dotnet run --project Training -c Release --no-build -- bench --preset seed001 --batch-size "$BATCH" --seconds "$SECONDS_EACH" --threads "$THREADS" --json)
  t=$(/usr/bin/python3 benchmarks/pytorch_bench.py --batch-size "$BATCH" --seconds "$SECONDS_EACH" --threads "$THREADS")
  echo "run $run: engine $o"
  echo "run $run: torch  $t"
  ours+=("$(echo "$o" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["trainImagesPerSecond"])')")
  ours_inf+=("$(echo "$o" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["inferenceImagesPerSecond"])')")
  theirs+=("$(echo "$t" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["trainImagesPerSecond"])')")
  theirs_inf+=("$(echo "$t" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["inferenceImagesPerSecond"])')")
done
/usr/bin/python3 - "${ours[*]}" "${theirs[*]}" "${ours_inf[*]}" "${theirs_inf[*]}" <<'PY'
import statistics, sys
o, t, oi, ti = ([float(v) for v in a.split()] for a in sys.argv[1:5])
mo, mt, moi, mti = map(statistics.median, (o, t, oi, ti))
print(f"seed001 training   (median of 3): engine {mo:,.0f} img/s, PyTorch {mt:,.0f} img/s, ratio {mo / mt:.2f}x")
print(f"seed001 inference  (median of 3): engine {moi:,.0f} img/s, PyTorch {mti:,.0f} img/s, ratio {moi / mti:.2f}x")
PY
