#!/usr/bin/env bash
# Speed of `caffenet bench` against OpenCV DNN and ONNX Runtime on the same model, weights and input
# shape, for the three cells of the speed issue (batch 1 / 1 thread, batch 1 / 2 threads, batch 8 /
# 2 threads), then the whole-process load time of `caffenet run` against OpenCV's Python loader.
#
# Usage: tools/bench-compare.sh MODEL.prototxt [WEIGHTS.caffemodel]
#
# Engines alternate within every round (the order rotates from round to round); each time is the
# median over rounds of each run's median ms per forward. Each ratio is the median over rounds of the
# ratio of two engines' runs in the same round: they ran back to back, so the speed the shared
# machine happened to have then (it varies by up to 1.5x from minute to minute here) cancels out.
# The ratio of the medians is printed beside it. Settings from the environment:
#   ROUNDS=7 ITERATIONS=60 WARMUP=20   rounds per cell, timed and untimed forwards per run (caffenet
#                                      bench also warms up for at least its default 2 s, until the
#                                      JIT has recompiled its kernels)
#   CELLS="1:1 1:2 8:2"                batch:threads cells
#   LOAD_RUNS=10                       whole-process runs per side in the load comparison (with
#                                      hyperfine where installed, `apt-get install hyperfine`; 0 skips it)
#   WORK=DIR                           keep weights, ONNX files and raw results there (else a temp dir)
#   CAFFENET=PATH                      time this caffenet executable instead of publishing
#                                      src/CaffeNet.Cli (Release, ReadyToRun) into WORK
# Pass thresholds (the second speed issue): ours / OpenCV <= 0.35 and ours / ONNX Runtime <= 1.0 in
# every cell (0.8 the target); load: ours / OpenCV <= 0.25. Exit status 0 whether or not they pass.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; }
if [[ ${1:-} == -h || ${1:-} == --help ]]; then usage; exit 0; fi
if [[ $# -lt 1 || $# -gt 2 ]]; then usage >&2; exit 2; fi
MODEL=$1
WEIGHTS=${2:-}
ROUNDS=${ROUNDS:-7}
ITERATIONS=${ITERATIONS:-60}
WARMUP=${WARMUP:-20}
CELLS=${CELLS:-"1:1 1:2 8:2"}
LOAD_RUNS=${LOAD_RUNS:-10}
PY=/usr/bin/python3
ORTBENCH=tools/OrtBench/bin/Release/net10.0/ortbench

if [[ -n ${WORK:-} ]]; then
    mkdir -p "$WORK"
else
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
fi

say() { echo "bench-compare: $*" >&2; }

# --- prerequisites ---
need_apt=()
$PY -c 'import onnx' 2>/dev/null || need_apt+=(python3-onnx)
$PY -c 'import cv2' 2>/dev/null || need_apt+=(python3-opencv)
$PY -c 'import google.protobuf' 2>/dev/null || need_apt+=(python3-protobuf)
$PY -c 'import numpy' 2>/dev/null || need_apt+=(python3-numpy)
command -v protoc >/dev/null || need_apt+=(protobuf-compiler)
if ((${#need_apt[@]})); then
    say "installing ${need_apt[*]}"
    apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

build() {
    dotnet build "$1" -c Release -v quiet -nologo >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
}
if [[ -n ${CAFFENET:-} ]]; then
    CAFFENET=("$CAFFENET")
    say "building OrtBench (Release); caffenet is $CAFFENET"
else
    # Published as a user installs it: ReadyToRun (set in the project), for this machine's runtime.
    say "publishing caffenet (Release, ReadyToRun) and building OrtBench (Release)"
    case $(uname -m) in aarch64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac
    dotnet publish src/CaffeNet.Cli/CaffeNet.Cli.csproj -c Release -r "$rid" --self-contained false -o "$WORK/caffenet" \
        -v quiet -nologo >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
    CAFFENET=("$WORK/caffenet/caffenet")
fi
build tools/OrtBench/OrtBench.csproj
has_command() { "${CAFFENET[@]}" "$1" --help >/dev/null 2>&1; }
HAS_BENCH=0; has_command bench && HAS_BENCH=1
HAS_RUN=0; has_command run && HAS_RUN=1

# --- weights, input shape, ONNX ---
if [[ -z $WEIGHTS ]]; then
    WEIGHTS=$WORK/weights.caffemodel
    if has_command init; then
        say "weights: caffenet init --seed 1"
        "${CAFFENET[@]}" init "$MODEL" -o "$WEIGHTS" --seed 1 >&2
    else
        say "weights: tools/random-caffemodel.py --seed 1 (caffenet init is not there yet)"
        $PY tools/random-caffemodel.py "$MODEL" -o "$WEIGHTS" --seed 1 >&2
    fi
fi
# The input's name and its shape without the batch, e.g. data and 3,224,224.
INPUT_AND_SHAPE=$($PY -c '
import sys; sys.path.insert(0, "tools"); import caffeproto as c
net = c.read_net(sys.argv[1]); inputs = c.net_inputs(net, c.test_layers(net))
if len(inputs) != 1: sys.exit("bench-compare: nets with one input only")
print(inputs[0][0], ",".join(str(d) for d in inputs[0][1][1:]))' "$MODEL")
read -r INPUT SHAPE <<<"$INPUT_AND_SHAPE"

# `caffenet export` writes BatchNorm and Scale as BatchNormalization, Mul and Add where
# caffe2onnx.py merges them into one BatchNormalization; ONNX Runtime folds both into the
# convolutions, and its optimised MobileNetV2 graphs from the two files are node for node the same.
HAS_EXPORT=0; has_command export && HAS_EXPORT=1
declare -A ONNX
for cell in $CELLS; do
    batch=${cell%%:*}
    if [[ -z ${ONNX[$batch]:-} ]]; then
        ONNX[$batch]=$WORK/model-b$batch.onnx
        if ((HAS_EXPORT)); then
            "${CAFFENET[@]}" export "$MODEL" --weights "$WEIGHTS" -o "${ONNX[$batch]}" --input "$INPUT=$batch,$SHAPE" >&2
        else
            $PY tools/caffe2onnx.py "$MODEL" "$WEIGHTS" -o "${ONNX[$batch]}" --batch "$batch" >&2
        fi
    fi
done

# --- agreement: the ONNX file in ONNX Runtime against the Caffe net in OpenCV, same input ---
first_batch=$(echo "$CELLS" | awk '{split($1, a, ":"); print a[1]}')
$PY -c 'import numpy as np, sys
np.save(sys.argv[1], np.random.default_rng(7).uniform(-1, 1, [int(sys.argv[2])] + [int(d) for d in sys.argv[3].split(",")]).astype(np.float32))' \
    "$WORK/input.npy" "$first_batch" "$SHAPE"
"$ORTBENCH" "${ONNX[$first_batch]}" --input "$WORK/input.npy" --save "$WORK/ort-out.npy" --iterations 1 --warmup 0 >/dev/null
$PY tools/opencv-bench.py "$MODEL" --weights "$WEIGHTS" --input "$WORK/input.npy" --save "$WORK/opencv-out.npy" \
    --iterations 1 --warmup 0 >/dev/null
AGREEMENT=$($PY -c 'import numpy as np, sys
a, b = np.load(sys.argv[1]), np.load(sys.argv[2]).reshape(np.load(sys.argv[1]).shape)
print("%.2e" % (np.abs(a - b).max() / max(float(np.abs(b).max()), 1e-30)))' "$WORK/ort-out.npy" "$WORK/opencv-out.npy")
say "ONNX Runtime vs OpenCV output: max relative error $AGREEMENT (want <= 1e-4)"

# --- timing rounds ---
run_engine() { # engine batch threads -> one JSON line
    local engine=$1 batch=$2 threads=$3
    case $engine in
        ours) "${CAFFENET[@]}" bench "$MODEL" --weights "$WEIGHTS" --batch "$batch" --threads "$threads" \
                  --iterations "$ITERATIONS" --warmup "$WARMUP" --json ;;
        # OPENBLAS_* are set on some machines for old OpenBLAS builds and slow current ones: unset for
        # this benchmark command alone.
        opencv) env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $PY tools/opencv-bench.py "$MODEL" --weights "$WEIGHTS" \
                  --batch "$batch" --threads "$threads" --iterations "$ITERATIONS" --warmup "$WARMUP" ;;
        ort) "$ORTBENCH" "${ONNX[$batch]}" --batch "$batch" --threads "$threads" \
                  --iterations "$ITERATIONS" --warmup "$WARMUP" ;;
    esac
}

ENGINES=(opencv ort)
if ((HAS_BENCH)); then
    ENGINES=(ours opencv ort)
else
    say "caffenet bench is not available yet: timing the reference engines only"
fi
RESULTS=$WORK/results.tsv
: >"$RESULTS"
for ((round = 0; round < ROUNDS; round++)); do
    for cell in $CELLS; do
        batch=${cell%%:*} threads=${cell##*:}
        n=${#ENGINES[@]}
        for ((k = 0; k < n; k++)); do
            engine=${ENGINES[(k + round) % n]}
            json=$(run_engine "$engine" "$batch" "$threads" | tail -n 1)
            printf '%s\t%s\t%s\t%s\t%s\n' "$round" "$batch" "$threads" "$engine" "$json" >>"$RESULTS"
            say "round $((round + 1))/$ROUNDS batch $batch threads $threads $engine: $json"
        done
    done
done

$PY - "$RESULTS" "$CELLS" "$AGREEMENT" <<'EOF'
import json, statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
cells = [tuple(int(x) for x in c.split(":")) for c in sys.argv[2].split()]
runs = {}  # (batch, threads, engine) -> {round: median ms}
for rnd, batch, threads, engine, text in rows:
    runs.setdefault((int(batch), int(threads), engine), {})[int(rnd)] = json.loads(text)["ms"]["median"]
med = {k: statistics.median(v.values()) for k, v in runs.items()}

def paired(b, t, other):
    """Median over rounds of ours / other within the round, or None."""
    ours, theirs = runs.get((b, t, "ours"), {}), runs.get((b, t, other), {})
    ratios = [ours[r] / theirs[r] for r in ours if r in theirs]
    return statistics.median(ratios) if ratios else None

def cell(v):
    return "%.2f" % v if v is not None else "-"

def verdict(paired_ratio, of_medians, limit):
    if paired_ratio is None:
        return "-"
    return "%.2f (%.2f) %s" % (paired_ratio, of_medians, "pass" if paired_ratio <= limit else "FAIL")

print()
print("median ms per forward (median over %d rounds of each run's median); a ratio is the median over rounds"
      % max(len(v) for v in runs.values()))
print("of ours / theirs within the round, with the ratio of the medians in brackets")
print("| batch, threads | caffenet | OpenCV DNN | ONNX Runtime | ours/OpenCV (<= 0.35) | ours/ORT (<= 1.0, target 0.8) |")
print("|---|---|---|---|---|---|")
verdicts = []
for b, t in cells:
    ours, cv, ort = (med.get((b, t, e)) for e in ("ours", "opencv", "ort"))
    p1, p2 = paired(b, t, "opencv"), paired(b, t, "ort")
    if p1 is not None and p2 is not None:
        verdicts += [p1 <= 0.35, p2 <= 1.0]
    print("| %d, %d | %s | %s | %s | %s | %s |" % (b, t, cell(ours), cell(cv), cell(ort),
        verdict(p1, ours / cv if ours and cv else 0, 0.35), verdict(p2, ours / ort if ours and ort else 0, 1.0)))
print("ONNX Runtime vs OpenCV output agreement: max relative error %s" % sys.argv[3])
if verdicts:
    print("speed: %s" % ("PASS (all cells)" if all(verdicts) else "FAIL (see the table)"))
else:
    print("speed: no verdict, caffenet bench is not available yet")
EOF

# --- load: whole process, one forward ---
echo
if ((!HAS_RUN)); then
    echo "load: skipped, caffenet run is not available yet"
    exit 0
fi
if ((LOAD_RUNS < 1)); then
    echo "load: skipped (LOAD_RUNS=$LOAD_RUNS)"
    exit 0
fi
OURS_LOAD=("${CAFFENET[@]}" run "$MODEL" --weights "$WEIGHTS" --random-input)
THEIRS_LOAD=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $PY tools/opencv-bench.py "$MODEL" --weights "$WEIGHTS"
    --once --shape "1,$SHAPE")
"${OURS_LOAD[@]}" >/dev/null # fail loudly here rather than inside the timing
if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 2 --runs "$LOAD_RUNS" --export-json "$WORK/load.json" \
        -n caffenet "$(printf '%q ' "${OURS_LOAD[@]}")" -n opencv "$(printf '%q ' "${THEIRS_LOAD[@]}")" >&2
    $PY - "$WORK/load.json" <<'EOF'
import json, sys
r = {x["command"]: x["median"] * 1000 for x in json.load(open(sys.argv[1]))["results"]}
ratio = r["caffenet"] / r["opencv"]
print("load (whole process, hyperfine median): caffenet run %.0f ms, OpenCV readNetFromCaffe + forward %.0f ms,"
      " ratio %.2f %s (<= 0.25)" % (r["caffenet"], r["opencv"], ratio, "pass" if ratio <= 0.25 else "FAIL"))
EOF
else
    : >"$WORK/load.tsv"
    for ((i = 0; i < LOAD_RUNS + 1; i++)); do # the first run of each side warms the file cache
        for side in ours theirs; do
            start=$(date +%s%N)
            if [[ $side == ours ]]; then "${OURS_LOAD[@]}" >/dev/null; else "${THEIRS_LOAD[@]}" >/dev/null; fi
            ((i > 0)) && printf '%s\t%s\n' "$side" $((($(date +%s%N) - start) / 1000)) >>"$WORK/load.tsv"
        done
    done
    $PY - "$WORK/load.tsv" <<'EOF'
import statistics, sys
t = {}
for line in open(sys.argv[1]):
    side, us = line.split()
    t.setdefault(side, []).append(int(us) / 1000)
ours, theirs = statistics.median(t["ours"]), statistics.median(t["theirs"])
ratio = ours / theirs
print("load (whole process, median of %d alternating runs): caffenet run %.0f ms, OpenCV readNetFromCaffe + forward"
      " %.0f ms, ratio %.2f %s (<= 0.25)" % (len(t["ours"]), ours, theirs, ratio, "pass" if ratio <= 0.25 else "FAIL"))
EOF
fi
