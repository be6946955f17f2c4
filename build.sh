#!/usr/bin/env bash
# MlNetFashion build script. Verbs: setup | build | test | format | pack | train [args] | bench [args] | publish [DIR] [args]
# On a fresh Debian/Ubuntu machine `./build.sh train` and `./build.sh test` install what they need themselves.
set -euo pipefail
cd "$(dirname "$0")"

CONFIG=Release
DATA_DIR_DEFAULT=/usr/share/datasets/fashion-mnist
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

APT_UPDATED=0
apt_install() {
  # Installs the Debian packages that are missing; apt-get update once, only when something is missing.
  command -v apt-get >/dev/null || { echo "build.sh: no apt-get here; install $* yourself if you need them" >&2; return 0; }
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $APT_UPDATED -eq 0 ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  echo "build.sh: installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

have_data() {
  local d
  for d in ./data "$DATA_DIR_DEFAULT"; do
    [ -n "$d" ] && ls "$d"/train-images-idx3-ubyte* >/dev/null 2>&1 && return 0
  done
  return 1
}

setup_data() {
  if [ -n "${FASHION_MNIST_DIR:-}" ]; then
    # Set on purpose: the apps read that folder and no other, so a missing copy is fetched there.
    ls "$FASHION_MNIST_DIR"/train-images-idx3-ubyte* >/dev/null 2>&1 && return 0
    echo "build.sh: no Fashion-MNIST files in FASHION_MNIST_DIR=$FASHION_MNIST_DIR; downloading them there"
    dotnet run --project Training -c $CONFIG -- data fetch --data-dir "$FASHION_MNIST_DIR"
    return
  fi
  have_data && return 0
  if command -v apt-get >/dev/null; then
    apt_install dataset-fashion-mnist
  else
    echo "build.sh: no Fashion-MNIST files found; downloading them with the training app"
    dotnet run --project Training -c $CONFIG -- data fetch --data-dir ./data
  fi
}

# Tools the tests use: OpenBLAS (GEMM provider), the ONNX checker, PyTorch (the engine benchmark's reference),
# scikit-learn, PIL and numpy for the image-export scripts, Chromium for the browser tests, HAProxy for the scale-out
# test, curl for README's example, Adwaita's icons (the confidence benchmark's held-out family), PowerShell for the
# build.ps1 tests. A test whose tool is missing is skipped, which fails the run.
setup_test_tools() {
  apt_install libopenblas0-pthread python3-onnx python3-torch python3-sklearn python3-pil python3-numpy chromium haproxy curl \
    adwaita-icon-theme
  setup_pwsh
}

# PowerShell as a .NET tool in artifacts/tools (from the NuGet feed, no apt source needed). 7.7 does not install on .NET 10.
PWSH_VERSION=7.6.10
setup_pwsh() {
  [ -x artifacts/tools/pwsh ] && return 0
  echo "build.sh: installing PowerShell $PWSH_VERSION into artifacts/tools"
  dotnet tool install --tool-path artifacts/tools PowerShell --version $PWSH_VERSION >/dev/null \
    || echo "build.sh: PowerShell could not be installed; the build.ps1 tests will be skipped" >&2
}

restore() { dotnet restore MlNetFashion.sln --nologo -v quiet; }

# train and bench build the app (restored just before) without the code-style analyzers (test and format check the style): a
# fresh clone's build takes about a quarter less, the assemblies are the same, and source generators still run.
run_app() { dotnet run --project Training -c $CONFIG --no-restore --property:RunAnalyzers=false -- "$@"; }

# Code style as .editorconfig states it, checked after the build (dotnet format reads its workspace): whitespace, code
# style and analyzers at .editorconfig's severities in one dotnet format pass, and C# lines of at most 140 characters
# (max_line_length, which dotnet format does not check). One "style:" line per finding; `./build.sh format` fixes what
# dotnet format can.
check_style() {
  local status=0 long at out rc=0
  long=$(find . -name '*.cs' -not -path '*/bin/*' -not -path '*/obj/*' -not -path './artifacts/*' -not -path './TestResults/*' \
    -print0 | sort -z | xargs -0 env LC_ALL=C.UTF-8 grep -HnE '^.{141,}' | cut -d: -f1,2 || true)
  for at in $long; do echo "style: ${at#./}: longer than 140 characters (max_line_length in .editorconfig)"; status=1; done
  out=$(dotnet format MlNetFashion.sln --verify-no-changes --no-restore -v quiet 2>&1) || rc=$?
  if [ $rc -eq 2 ]; then
    # "/repo/dir/file.cs(12,5): warning IDE1006: message [project]" → "style: dir/file.cs:12: IDE1006 message"
    echo "$out" | sed -nE "s#^$PWD/##; s#^(.+)\(([0-9]+),[0-9]+\): (error|warning) ([A-Za-z0-9]+): (.*) \[[^]]*\]\$#style: \1:\2: \4 \5#p" \
      | awk '!seen[$0]++'
    echo "style: ./build.sh format fixes what dotnet format can (git diff shows where)"; status=1
  elif [ $rc -ne 0 ]; then echo "$out"; echo "style: dotnet format failed (exit $rc)"; status=1; fi
  return $status
}
build() { dotnet build MlNetFashion.sln -c $CONFIG --nologo -v quiet --no-restore; }

# The libraries a user references, as NuGet packages (.nupkg + .snupkg) in artifacts/packages (version:
# Directory.Build.props).
PACKAGES=(Pipeline/Engine/MlNetFashion.Engine.csproj Pipeline/MlNet/MlNetFashion.Pipeline.csproj
  Scoring/Library/MlNetFashion.Scoring.csproj)

# The GPU variant (ONNX Runtime's CUDA package) of the scoring app and its tests, beside the CPU build (artifacts/gpu,
# see Directory.Build.props), for this machine's RID only (the CUDA natives are ~550 MB per platform). Without CUDA
# the --gpu tests (Category=Gpu) show the one-line CPU fallback.
gpu_test() {
  local rid; rid=$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')
  dotnet build tests/Scoring.Tests -c $CONFIG -r "$rid" --self-contained false -p:OnnxRuntimeGpu=true --nologo -v quiet || return
  dotnet test tests/Scoring.Tests -c $CONFIG -r "$rid" -p:OnnxRuntimeGpu=true --no-build --nologo --filter "Category=Gpu"
}

pack() {
  rm -f artifacts/packages/MlNetFashion.*.nupkg artifacts/packages/MlNetFashion.*.snupkg
  local p epoch
  # The same commit packs the same bytes anywhere: source paths in the symbols read /_/… (ContinuousIntegrationBuild)
  # and every file in the package carries the commit's time, not the build's.
  epoch=$(git log -1 --format=%ct 2>/dev/null || true)
  for p in "${PACKAGES[@]}"; do
    dotnet pack "$p" -c $CONFIG --nologo -v quiet -p:ContinuousIntegrationBuild=true ${epoch:+-p:DeterministicTimestamp=$epoch} \
      -o artifacts/packages
  done
  ls artifacts/packages/MlNetFashion.*
}

verb="${1:-}"; [ $# -gt 0 ] && shift
case "$verb" in
  setup) setup_data; setup_test_tools; restore ;;
  build) restore; build ;;
  format) restore; dotnet format MlNetFashion.sln --no-restore -v quiet ;;
  test)
    setup_data; setup_test_tools; restore; build; check_style
    log=$(mktemp); trx=TestResults/build-test; rm -rf "$trx"; status=0
    dotnet test MlNetFashion.sln -c $CONFIG --no-build --nologo --logger trx --results-directory "$trx" "$@" 2>&1 \
      | tee "$log" || status=$?
    gpu_test 2>&1 | tee -a "$log" || status=$?
    # One closing line over all test assemblies, in the plain form CI reads: "N passed, N failed, N skipped".
    summary=$(awk '/^(Passed|Failed|Skipped)!/ { for (i = 1; i <= NF; i++) { v = $(i+1); gsub(",", "", v)
           if ($i == "Failed:") f += v; if ($i == "Passed:") p += v; if ($i == "Skipped:") s += v } }
         END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log")
    echo "$summary"
    # setup_test_tools installs what every skippable test needs, so a skip is a test that did not run: it fails the
    # run unless MLNETFASHION_ALLOW_SKIPS=1 (a machine without apt, Chromium …). Names and reasons from the TRX files.
    if [ "$(echo "$summary" | awk '{ print $6 }')" != 0 ]; then
      if [ "${MLNETFASHION_ALLOW_SKIPS:-}" = 1 ]; then echo "tests: skips allowed (MLNETFASHION_ALLOW_SKIPS=1):"
      else echo "tests: a skipped test fails the run (MLNETFASHION_ALLOW_SKIPS=1 allows skips):"; [ $status -ne 0 ] || status=1; fi
      awk '/<UnitTestResult / && /outcome="NotExecuted"/ { match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11) }
           name != "" && /<Message>/ { sub(/.*<Message>/, ""); sub(/<\/Message>.*/, ""); reason = $0 }
           name != "" && /<\/UnitTestResult>/ { line = "  skipped " name " [" reason "]"
             gsub(/&quot;/, "\"", line); gsub(/&apos;/, "\047", line); gsub(/&lt;/, "<", line); gsub(/&gt;/, ">", line)
             gsub(/&amp;/, "\\&", line); print line; name = reason = "" }' "$trx"/*.trx || true
    fi
    rm -f "$log"; exit $status ;;
  pack) pack ;;
  train)
    setup_data; apt_install libopenblas0-pthread; restore
    run_app train "$@" ;;
  bench)
    apt_install libopenblas0-pthread; restore
    run_app bench "$@" ;;
  publish)
    # The scoring service as deployed: deploy/Dockerfile runs exactly this, and the deploy tests run it with --no-build.
    out="${1:-artifacts/publish/scoring}"; [ $# -gt 0 ] && shift
    dotnet publish Scoring/MlNetFashion.Scoring.App.csproj -c $CONFIG --nologo -v quiet -o "$out" "$@" ;;
  *) echo "usage: ./build.sh setup|build|test|format|pack|train [args]|bench [args]|publish [DIR] [args]" >&2; exit 2 ;;
esac
