#!/usr/bin/python3
"""Run two Caffe nets in OpenCV DNN on the same input and compare their final outputs.

Usage:
  opencv-compare-nets.py --model A.prototxt --weights A.caffemodel
                         --other B.prototxt --other-weights B.caffemodel --input NAME=FILE.npy [...]
                         [--also LAYER ...] [--tol 1e-4]

Made for `caffenet optimize`: the folded net B must give what the original A gives. Both are
prepared for OpenCV as tools/crosscheck-opencv.py does (data layers become Input layers, loss
layers go) and run with OpenCV's own fusion off. The outputs are A's unconnected output layers
and the --also layers (say the logits before a softmax), looked up by name in B. An output passes when max|b - a| <= tol * max(1, max|a|).
Exit status 1 when any output fails or is missing in B.
"""
import argparse
import importlib.util
import os
import sys

spec = importlib.util.spec_from_file_location(
    "crosscheck_opencv", os.path.join(os.path.dirname(os.path.abspath(__file__)), "crosscheck-opencv.py"))
crosscheck = importlib.util.module_from_spec(spec)
spec.loader.exec_module(crosscheck)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--weights", required=True)
    ap.add_argument("--other", required=True)
    ap.add_argument("--other-weights", required=True)
    ap.add_argument("--input", action="append", default=[])
    ap.add_argument("--also", action="append", default=[])
    ap.add_argument("--tol", type=float, default=1e-4)
    args = ap.parse_args()

    inputs = crosscheck.read_inputs(args.input)
    original, _ = crosscheck.load_net(args.model, args.weights, inputs)
    folded, _ = crosscheck.load_net(args.other, args.other_weights, inputs)
    names = list(original.getUnconnectedOutLayersNames()) + args.also
    missing = [n for n in names if n not in set(folded.getLayerNames())]
    if missing:
        print("FAIL outputs missing in the folded net: %s" % ", ".join(missing))
        return 1
    failures = 0
    for name, a, b in zip(names, original.forward(names), folded.forward(names)):
        err, scale = crosscheck.error_and_scale(b, a)
        ok = a.shape == b.shape and err <= args.tol * scale
        failures += 0 if ok else 1
        print("%s output %-20s shape %s max|diff| %.3g  max|x| %.3g  error/scale %.3g" % (
            "ok  " if ok else "FAIL", name, a.shape, err, scale, err / scale))
    print("layers in OpenCV: original %d, folded %d" % (len(original.getLayerNames()), len(folded.getLayerNames())))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
