#!/usr/bin/env bash
# `caffenet optimize` against OpenCV DNN. Usage: tools/crosscheck-optimize.sh CAFFENET.dll
# For each net: OpenCV runs the original and the folded net on the same seeded input and their
# final outputs (and the logits) must agree to 1e-4 * max(1, max|x|) (tools/opencv-compare-nets.py);
# then the folded net is run by our CLI with --dump-all and compared layer by layer with OpenCV
# (tools/crosscheck-opencv.py). CIFAR-10 full has no BatchNorm, so there is nothing to fold there.
set -euo pipefail
cd "$(dirname "$0")/.."
dll=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
caffenet() { dotnet "$dll" "$@"; }

# npy FILE SEED D0 D1 ...: uniform [0, 1) float32 values from SEED.
npy() {
  /usr/bin/python3 -c 'import sys, numpy as np
np.save(sys.argv[1], np.random.RandomState(int(sys.argv[2])).uniform(0, 1, [int(d) for d in sys.argv[3:]]).astype(np.float32))' "$@"
}

# check NAME PROTOTXT WEIGHTS INPUT.npy LOGITS [extra run options]
failed=()
check() {
  local name=$1 model=$2 weights=$3 input=$4 logits=$5; shift 5
  echo "== $name"
  caffenet optimize "$model" --weights "$weights" -o "$work/opt.prototxt" --out-weights "$work/opt.caffemodel"
  if ! /usr/bin/python3 tools/opencv-compare-nets.py --model "$model" --weights "$weights" \
      --other "$work/opt.prototxt" --other-weights "$work/opt.caffemodel" --input "data=$input" --also "$logits"; then
    failed+=("$name (original vs folded)")
  fi
  rm -rf "$work/dump"
  caffenet run "$work/opt.prototxt" --weights "$work/opt.caffemodel" --input "data=$input" "$@" --dump-all "$work/dump" > /dev/null
  if ! /usr/bin/python3 tools/crosscheck-opencv.py --model "$work/opt.prototxt" --weights "$work/opt.caffemodel" \
      --input "data=$input" --ours "$work/dump"; then
    failed+=("$name (folded, ours vs OpenCV)")
  fi
}

npy "$work/image.npy" 7 1 3 224 224
npy "$work/calibration.npy" 8 1 3 224 224
mnv2=testdata/mobilenetv2
check "MobileNetV2 deploy, calibrated weights" $mnv2/deploy.prototxt $mnv2/calibrated-seed1.caffemodel "$work/image.npy" conv10
caffenet init $mnv2/test-1.0.prototxt -o "$work/test-1.0.caffemodel" --seed 2 --calibrate --input "data=$work/calibration.npy"
check "MobileNetV2 test 1.0, calibrated filler weights" $mnv2/test-1.0.prototxt "$work/test-1.0.caffemodel" "$work/image.npy" pool9 \
  --random-input --seed 3

if [ ${#failed[@]} -gt 0 ]; then
  printf 'crosscheck-optimize failed: %s\n' "${failed[@]}"
  exit 1
fi
echo "crosscheck-optimize: folded nets agree with their originals and with OpenCV DNN"
