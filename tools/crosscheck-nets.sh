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
# Two layers of one name, each with two tops, as MobileNetV2-SSDLite has: paired with OpenCV's renamed ones.
caffenet init testdata/multitop/repeated-names.prototxt -o "$work/repeated.caffemodel" --seed 3
check "Repeated layer names, filler weights" testdata/multitop/repeated-names.prototxt "$work/repeated.caffemodel" "$work/small.npy"

# SSD detection nets: DetectionOutput's rows against OpenCV's, same rows after sorting (about a minute).
if ! /usr/bin/python3 tools/crosscheck-ssd.py "$dll"; then
  failed+=("SSD detections")
fi

# The forks' layers. ShuffleNet and SE-ResNet-50 run in OpenCV as they are (the cross-check
# spells ShuffleChannel's group and Axpy's bottoms OpenCV's way); YOLOv2-lite's detection output,
# which OpenCV lacks, is checked against a numpy decoding of the fork's rule with a threshold low
# enough to keep boxes; SegNet (BN, unpooling), which OpenCV cannot build, against float64 alone.
for net in shufflenet-farmingyard-v1-1x-g3/shufflenet_1x_g3_deploy.prototxt seresnet50-hujiefrank/SE-ResNet-50.prototxt; do
  caffenet init $corpus/$net -o "$work/fork.caffemodel" --seed 1 --calibrate --filler msra --input "data=$work/calibration.npy"
  check "$net, calibrated msra weights" $corpus/$net "$work/fork.caffemodel" "$work/image.npy"
done
npy "$work/yolo-cal.npy" 8 1 3 320 320
npy "$work/yolo.npy" 7 1 3 320 320
sed 's/confidence_threshold: 0.300000011921/confidence_threshold: 0.02/' \
  $corpus/mobilenetyolo-eric612-yolov2-lite-deploy/mobilenet_yolo_lite_deploy.prototxt > "$work/yolo2.prototxt"
caffenet init "$work/yolo2.prototxt" -o "$work/yolo2.caffemodel" --seed 1 --calibrate --filler msra --input "data=$work/yolo-cal.npy"
check "MobileNet-YOLOv2-lite, calibrated msra weights" "$work/yolo2.prototxt" "$work/yolo2.caffemodel" "$work/yolo.npy"
/usr/bin/python3 tools/crosscheck-yolo.py --model "$work/yolo2.prototxt" --ours "$work/dump" || failed+=("YOLOv2-lite detections")
# SegNet's sizes (pad_out_h on the last unpooling) fit 360 x 480 and, smaller, 24 x 32.
segnet=$corpus/bayesiansegnet-kendall-basic/bayesian_segnet_basic_inference.prototxt
npy "$work/seg-cal.npy" 8 1 3 24 32
npy "$work/seg.npy" 7 1 3 24 32
caffenet init $segnet -o "$work/segnet.caffemodel" --seed 1 --calibrate --filler msra --input "data=$work/seg-cal.npy"
rm -rf "$work/dump" "$work/fused"
caffenet run $segnet --weights "$work/segnet.caffemodel" --input "data=$work/seg.npy" --random-input --dump-all "$work/dump" > /dev/null
caffenet run $segnet --weights "$work/segnet.caffemodel" --input "data=$work/seg.npy" --random-input --output "$work/fused" > /dev/null
echo "== Bayesian SegNet inference, against float64"
/usr/bin/python3 tools/crosscheck-opencv.py --model $segnet --weights "$work/segnet.caffemodel" --input "data=$work/seg.npy" \
  --ours "$work/dump" --outputs "$work/fused" --float64-only || failed+=("SegNet")

if [ ${#failed[@]} -gt 0 ]; then
  printf 'crosscheck failed: %s\n' "${failed[@]}"
  exit 1
fi
echo "crosscheck: every net agrees with OpenCV DNN"
