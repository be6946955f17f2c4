#!/usr/bin/env bash
# The service load test, longer than the one in ./build.sh test: 50 concurrent clients on 127.0.0.1, N requests
# (default 50,000, bounded by 15 minutes), zero errors, same answers as sequential calls, stable memory; prints
# requests/s and p50/p99 latency.
# usage: benchmarks/load_test.sh [REQUESTS] [MODEL.onnx]   (default model: a small one trained by the test)
set -euo pipefail
cd "$(dirname "$0")/.."
export MLNETFASHION_LOAD_REQUESTS="${1:-50000}" MLNETFASHION_LOAD_MINUTES=15
[ -n "${2:-}" ] && export MLNETFASHION_LOAD_MODEL="$(realpath "$2")"
dotnet test tests/Scoring.Tests -c Release --filter "FullyQualifiedName~LoadTests" --logger "console;verbosity=detailed" 2>&1 | grep -E "load:|Passed|Failed"
