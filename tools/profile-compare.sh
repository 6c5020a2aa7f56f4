#!/usr/bin/env bash
# Per layer group, our `bench --per-layer` beside ONNX Runtime's own per-node profile, on the same
# model and weights, batch 1 (see tools/profile-compare.py for the groups).
#
# Usage: tools/profile-compare.sh MODEL.prototxt [WEIGHTS.caffemodel]
# Environment: THREADS=1 ITERATIONS=50 PER_LAYER=1 (a line per layer too); CAFFENET=PATH (a caffenet executable; else the Release build
# of src/CaffeNet.Cli). Without weights, both engines get the seeded, calibrated weights of
# `caffenet init --calibrate`.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [[ $# -lt 1 || $# -gt 2 ]]; then sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; fi
MODEL=$1
THREADS=${THREADS:-1}
ITERATIONS=${ITERATIONS:-50}
PY=/usr/bin/python3
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [[ -z ${CAFFENET:-} ]]; then
    dotnet build src/CaffeNet.Cli -c Release -v q -nologo >&2
    CAFFENET="dotnet src/CaffeNet.Cli/bin/Release/net10.0/caffenet.dll"
fi
dotnet build tools/OrtBench -c Release -v q -nologo >&2

WEIGHTS=${2:-$WORK/calibrated.caffemodel}
if [[ $# -lt 2 ]]; then
    $CAFFENET init "$MODEL" --calibrate --filler msra -o "$WEIGHTS" >&2
fi
$PY tools/caffe2onnx.py "$MODEL" "$WEIGHTS" -o "$WORK/model.onnx" --batch 1 >&2
tools/OrtBench/bin/Release/net10.0/ortbench "$WORK/model.onnx" --threads "$THREADS" \
    --iterations "$ITERATIONS" --warmup 10 --profile "$WORK/ort.json" >/dev/null
$CAFFENET bench "$MODEL" --weights "$WEIGHTS" --batch 1 --threads "$THREADS" --iterations "$ITERATIONS" \
    --per-layer --json >"$WORK/ours.json"
echo "$(lscpu | sed -n 's/^Model name: *//p'), $THREADS thread(s), batch 1"
$PY tools/profile-compare.py "$MODEL" "$WORK/ours.json" "$WORK/ort.json"
