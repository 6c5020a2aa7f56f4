#!/usr/bin/env bash
# Whole-process start-up: `caffenet run` as Native AOT and as the framework-dependent ReadyToRun
# build against OpenCV DNN's Python loader (tools/opencv-bench.py --once), each process loading the
# model and weights and running one forward on a random input. Paired runs: the three commands take
# turns within every round (the order rotates), and each ratio is the median over rounds of the two
# wall times of that round, so the speed the shared machine had at the time cancels out.
# Then the sizes of both builds and, with BENCH=1, their steady-state forward (`caffenet bench`,
# alternating) to show what AOT costs there.
#
# Usage: tools/startup-compare.sh [MODEL.prototxt WEIGHTS.caffemodel]
#        (default: testdata/mobilenetv2/deploy.prototxt and its calibrated-seed1.caffemodel)
# Environment:
#   RUNS=15                  rounds (after one untimed round that warms the file cache)
#   WORK=DIR                 keep the builds and raw times there (else a temp dir)
#   AOT=PATH FD=PATH         time these caffenet executables instead of publishing them
#   ISA=x86-64-v3            the AOT build's instruction set (IlcInstructionSet; x86-64-v4 for AVX-512)
#   OURS_ARGS=""             extra `caffenet run` arguments (e.g. --threads 1)
#   BENCH=1 ROUNDS=5 THREADS=1  steady-state forward of the two builds (BENCH=0 skips it)
# Goal (issue 13): AOT run / OpenCV <= 0.25. Exit status 0 whether or not it passes.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; }
if [[ ${1:-} == -h || ${1:-} == --help ]]; then usage; exit 0; fi
if [[ $# -ne 0 && $# -ne 2 ]]; then usage >&2; exit 2; fi
MODEL=${1:-testdata/mobilenetv2/deploy.prototxt}
WEIGHTS=${2:-testdata/mobilenetv2/calibrated-seed1.caffemodel}
RUNS=${RUNS:-15}
ISA=${ISA:-x86-64-v3}
BENCH=${BENCH:-1}
ROUNDS=${ROUNDS:-5}
THREADS=${THREADS:-1}
PY=/usr/bin/python3
say() { echo "startup-compare: $*" >&2; }

if [[ -n ${WORK:-} ]]; then
    mkdir -p "$WORK"
else
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
fi

case $(uname -m) in aarch64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac
publish() { # dir, extra arguments...
    local dir=$1
    shift
    dotnet publish src/CaffeNet.Cli/CaffeNet.Cli.csproj -c Release -r "$rid" -o "$dir" -v quiet -nologo "$@" \
        >>"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
}
if [[ -z ${AOT:-} ]]; then
    # Native AOT links with clang and lld (Debian: apt-get install clang lld).
    command -v clang >/dev/null && command -v ld.lld >/dev/null || {
        say "installing clang and lld for Native AOT"
        apt-get update -qq && apt-get install -y -qq clang lld >/dev/null
    }
    say "publishing caffenet as Native AOT ($ISA)"
    publish "$WORK/aot" -p:PublishAot=true -p:PublishReadyToRun=false -p:IlcInstructionSet="$ISA"
    AOT=$WORK/aot/caffenet
fi
if [[ -z ${FD:-} ]]; then
    say "publishing caffenet framework-dependent (ReadyToRun, as the README installs it)"
    publish "$WORK/fd" --self-contained false
    FD=$WORK/fd/caffenet
fi
SHAPE=$($PY -c '
import sys; sys.path.insert(0, "tools"); import caffeproto as c
net = c.read_net(sys.argv[1]); inputs = c.net_inputs(net, c.test_layers(net))
if len(inputs) != 1: sys.exit("startup-compare: nets with one input only")
print(",".join(str(d) for d in [1] + list(inputs[0][1][1:])))' "$MODEL")

read -r -a EXTRA <<<"${OURS_ARGS:-}"
run_side() { # side -> runs it once, output discarded
    case $1 in
        aot) "$AOT" run "$MODEL" --weights "$WEIGHTS" --random-input "${EXTRA[@]}" ;;
        fd) "$FD" run "$MODEL" --weights "$WEIGHTS" --random-input "${EXTRA[@]}" ;;
        opencv) env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $PY tools/opencv-bench.py "$MODEL" --weights "$WEIGHTS" \
                    --once --shape "$SHAPE" ;;
    esac >/dev/null
}
SIDES=(aot fd opencv)
for side in "${SIDES[@]}"; do run_side "$side"; done # fail loudly here, and warm the file cache
: >"$WORK/startup.tsv"
for ((round = 0; round < RUNS; round++)); do
    for ((k = 0; k < 3; k++)); do
        side=${SIDES[(k + round) % 3]}
        start=$(date +%s%N)
        run_side "$side"
        printf '%s\t%s\t%s\n' "$round" "$side" $((($(date +%s%N) - start) / 1000)) >>"$WORK/startup.tsv"
    done
done

size() { stat -c %s "$1"; }
AOT_DIR=$(dirname "$AOT")
AOT_BYTES=$(size "$AOT")
SKIA_BYTES=$( [[ -f $AOT_DIR/libSkiaSharp.so ]] && size "$AOT_DIR/libSkiaSharp.so" || echo 0)
FD_BYTES=$(du -sb "$(dirname "$FD")" | cut -f1)

$PY - "$WORK/startup.tsv" "$AOT_BYTES" "$SKIA_BYTES" "$FD_BYTES" "$(lscpu | sed -n 's/^Model name: *//p')" <<'EOF'
import statistics, sys
t = {}
for line in open(sys.argv[1]):
    rnd, side, us = line.split()
    t.setdefault(side, {})[int(rnd)] = int(us) / 1000
def paired(a, b):
    return statistics.median(t[a][r] / t[b][r] for r in t[a] if r in t[b])
med = {s: statistics.median(v.values()) for s, v in t.items()}
mib = lambda n: int(n) / 2**20
print("whole process, one forward, %d paired rounds, %s" % (len(t["aot"]), sys.argv[5]))
print("| command | median ms | ratio to OpenCV (paired) |")
print("|---|---|---|")
print("| caffenet run, Native AOT | %.0f | %.2f |" % (med["aot"], paired("aot", "opencv")))
print("| caffenet run, framework-dependent ReadyToRun | %.0f | %.2f |" % (med["fd"], paired("fd", "opencv")))
print("| OpenCV DNN (Python, readNetFromCaffe + forward) | %.0f | 1 |" % med["opencv"])
print("AOT / framework-dependent (paired): %.2f" % paired("aot", "fd"))
r = paired("aot", "opencv")
print("goal AOT / OpenCV <= 0.25: %s (%.2f)" % ("pass" if r <= 0.25 else "FAIL", r))
print("sizes: AOT binary %.1f MiB + libSkiaSharp.so %.1f MiB; framework-dependent folder %.1f MiB (plus the shared .NET runtime)"
      % (mib(sys.argv[2]), mib(sys.argv[3]), mib(sys.argv[4])))
EOF

if [[ $BENCH == 0 ]]; then
    exit 0
fi
: >"$WORK/bench.tsv"
for ((round = 0; round < ROUNDS; round++)); do
    for build in aot fd; do
        [[ $build == aot ]] && exe=$AOT || exe=$FD
        ms=$("$exe" bench "$MODEL" --weights "$WEIGHTS" --batch 1 --threads "$THREADS" --iterations 50 --warmup 10 --json \
            | $PY -c 'import json, sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])["ms"]["median"])')
        printf '%s\t%s\t%s\n' "$round" "$build" "$ms" >>"$WORK/bench.tsv"
    done
done
$PY - "$WORK/bench.tsv" "$THREADS" <<'EOF'
import statistics, sys
t = {}
for line in open(sys.argv[1]):
    rnd, build, ms = line.split()
    t.setdefault(build, {})[int(rnd)] = float(ms)
ratio = statistics.median(t["aot"][r] / t["fd"][r] for r in t["aot"] if r in t["fd"])
print("steady-state forward (caffenet bench, %s thread(s), median of %d alternating rounds): AOT %.2f ms, JIT %.2f ms,"
      " AOT / JIT (paired) %.2f" % (sys.argv[2], len(t["aot"]), statistics.median(t["aot"].values()),
                                    statistics.median(t["fd"].values()), ratio))
EOF
