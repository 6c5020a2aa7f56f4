#!/usr/bin/python3
"""Run small Caffe nets in OpenCV DNN, an engine independent of ours, and save what they output.

Usage: kernel-oracle.py CASES_DIR

Every subdirectory of CASES_DIR is one case holding
  net.prototxt     the net, with `Input` layers for its inputs
  net.caffemodel   its weights (optional)
  case.json        {"inputs": {"blob": "file.npy", ...}, "outputs": ["blob", ...]}
and receives `expected.<blob>.npy` for each output, or `error.txt` if OpenCV fails on it.
Layer fusion is off so every layer runs on its own, as Caffe would run it.
Needs python3-opencv and numpy; run with /usr/bin/python3 (the system OpenCV).
"""
import json
import os
import sys
import traceback

import cv2
import numpy as np


def run_case(path):
    with open(os.path.join(path, "case.json")) as f:
        case = json.load(f)
    weights = os.path.join(path, "net.caffemodel")
    prototxt = os.path.join(path, "net.prototxt")
    if os.path.exists(weights):
        net = cv2.dnn.readNetFromCaffe(prototxt, weights)
    else:
        net = cv2.dnn.readNetFromCaffe(prototxt)
    net.enableFusion(False)
    net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
    for name, file in case["inputs"].items():
        net.setInput(np.load(os.path.join(path, file)).astype(np.float32), name)
    outputs = case["outputs"]
    results = net.forward(outputs)
    for name, value in zip(outputs, results):
        np.save(os.path.join(path, "expected.%s.npy" % name), np.asarray(value, dtype=np.float32))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    for entry in sorted(os.listdir(root)):
        path = os.path.join(root, entry)
        if not os.path.isdir(path):
            continue
        try:
            run_case(path)
        except Exception:
            with open(os.path.join(path, "error.txt"), "w") as f:
                f.write(traceback.format_exc())


if __name__ == "__main__":
    main()
