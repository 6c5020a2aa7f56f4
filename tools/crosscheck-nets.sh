#!/usr/bin/env bash
# Every net issue 4 names, run by our CLI with --dump-all (every layer, unfused) and once more on
# the default fused path (net outputs), and compared with OpenCV DNN by tools/crosscheck-opencv.py.
# Usage: tools/crosscheck-nets.sh CAFFENET.dll
# Inputs are seeded random .npy files; filler weights come from `caffenet init` (calibrated, and
# once pure). CIFAR-10's trained weights are read from ../shared in place (their licence forbids copies).
set -euo pipefail
cd "$(dirname "$0")/.."
dll=$(realpath "$1")
corpus=../shared/corpus
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source tools/common.sh

# check NAME PROTOTXT WEIGHTS INPUT.npy [extra run options]
failed=()
check() {
  local name=$1 model=$2 weights=$3 input=$4; shift 4
  echo "== $name"
  rm -rf "$work/dump" "$work/fused"
  caffenet run "$model" --weights "$weights" --input "data=$input" "$@" --dump-all "$work/dump" > /dev/null
  caffenet run "$model" --weights "$weights" --input "data=$input" "$@" --output "$work/fused" > /dev/null
  if ! /usr/bin/python3 tools/crosscheck-opencv.py --model "$model" --weights "$weights" \
      --input "data=$input" --ours "$work/dump" --outputs "$work/fused" ${FLOAT64:+--float64}; then
    failed+=("$name")
  fi
}

# BatchNorms are calibrated on one image and checked on another: on the calibration image each
# BatchNorm's output averages to 0 per channel, and the final global pooling would see only noise.
npy "$work/image.npy" 7 1 3 224 224
npy "$work/calibration.npy" 8 1 3 224 224
mnv2=testdata/mobilenetv2
caffenet init $mnv2/deploy.prototxt -o "$work/deploy-cal.caffemodel" --seed 1 --calibrate --input "data=$work/calibration.npy"
check "MobileNetV2 deploy, calibrated filler weights" $mnv2/deploy.prototxt "$work/deploy-cal.caffemodel" "$work/image.npy"
caffenet init $mnv2/deploy.prototxt -o "$work/deploy-pure.caffemodel" --seed 1
check "MobileNetV2 deploy, pure filler weights" $mnv2/deploy.prototxt "$work/deploy-pure.caffemodel" "$work/image.npy"
for width in 1.0 0.35; do
  net=$mnv2/test-$width.prototxt
  caffenet init "$net" -o "$work/test-$width.caffemodel" --seed 2 --calibrate --input "data=$work/calibration.npy"
  check "MobileNetV2 test $width, calibrated filler weights" "$net" "$work/test-$width.caffemodel" "$work/image.npy" --random-input --seed 3
done

npy "$work/digits.npy" 7 2 1 28 28
check "LeNet, trained weights" testdata/lenet/lenet.prototxt testdata/lenet/lenet_iter_10000.caffemodel "$work/digits.npy"
npy "$work/cifar.npy" 7 1 3 32 32
cifar=$corpus/cifar10full-yuvval-weights
check "CIFAR-10 full, trained weights" $cifar/cifar10_full.prototxt $cifar/cifar10_full_iter_70000.caffemodel "$work/cifar.npy"
npy "$work/face12.npy" 7 1 3 12 12
check "MTCNN det1, trained weights" testdata/mtcnn/det1.prototxt testdata/mtcnn/det1.caffemodel "$work/face12.npy"
npy "$work/face48.npy" 7 1 3 48 48
check "MTCNN det3, trained weights" testdata/mtcnn/det3.prototxt testdata/mtcnn/det3.caffemodel "$work/face48.npy"
# Deep nets, where float32 error builds up with depth: both engines judged against a float64
# evaluation (tools/float64_eval.py); ours must be within max(1e-4, OpenCV's error) on every layer.
resnet=$corpus/resnet50-kaiminghe-deploy/ResNet-50-deploy.prototxt
caffenet init $resnet -o "$work/resnet50.caffemodel" --seed 1 --calibrate --filler msra --input "data=$work/calibration.npy"
FLOAT64=1 check "ResNet-50, calibrated msra weights, against float64" $resnet "$work/resnet50.caffemodel" "$work/image.npy"

# Every top of a multi-top layer (a Slice feeding three different layers) against OpenCV's own.
npy "$work/small.npy" 7 1 3 8 8
caffenet init testdata/multitop/slice.prototxt -o "$work/multitop.caffemodel" --seed 3
check "Slice with three tops, filler weights" testdata/multitop/slice.prototxt "$work/multitop.caffemodel" "$work/small.npy"

# SSD detection nets: DetectionOutput's rows against OpenCV's, same rows after sorting (about a minute).
if ! /usr/bin/python3 tools/crosscheck-ssd.py "$dll"; then
  failed+=("SSD detections")
fi

if [ ${#failed[@]} -gt 0 ]; then
  printf 'crosscheck failed: %s\n' "${failed[@]}"
  exit 1
fi
echo "crosscheck: every net agrees with OpenCV DNN"
