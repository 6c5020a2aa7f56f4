#!/usr/bin/python3
"""Time a Caffe net in OpenCV DNN the way `caffenet bench` times ours.

Usage:
  opencv-bench.py NET.prototxt --weights W.caffemodel [--batch N] [--threads N] [--iterations N]
                  [--warmup N] [--seed N] [--input IN.npy] [--save OUT.npy] [--output LAYER]

Prints {"engine":"opencv","model","batch","threads","iterations","ms":{"median","min","max"}}.
OpenCV's defaults otherwise (layer fusion on, its own CPU backend), cv2.setNumThreads(threads).
The input is seeded uniform [-1, 1) with the net's input shape and --batch, or IN.npy as given.
--save writes the last forward's output (the net's last layer, or the layer --output names).

--once loads the net, runs one forward and exits without printing: the reference side of the
whole-process load comparison (then --shape N,C,H,W avoids compiling caffe.proto at start-up).
"""
import argparse
import json
import os
import sys
import time

import cv2
import numpy as np


def input_shapes(model, batch):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import caffeproto
    net = caffeproto.read_net(model)
    return [(name, [batch] + shape[1:]) for name, shape in caffeproto.net_inputs(net, caffeproto.test_layers(net))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("--weights", required=True)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--iterations", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--input", help="input .npy (float32)")
    ap.add_argument("--save", help="write the output here (.npy)")
    ap.add_argument("--output", help="layer whose output --save writes (default: the last)")
    ap.add_argument("--once", action="store_true")
    ap.add_argument("--shape", help="input shape N,C,H,W (skips reading the prototxt for it)")
    args = ap.parse_args()

    cv2.setNumThreads(args.threads)
    net = cv2.dnn.readNetFromCaffe(args.model, args.weights)
    rng = np.random.default_rng(args.seed)
    if args.input:
        x = np.load(args.input).astype(np.float32)
        inputs = [(None, x)]
    elif args.shape:
        inputs = [(None, rng.uniform(-1, 1, [int(d) for d in args.shape.split(",")]).astype(np.float32))]
    else:
        inputs = [(name, rng.uniform(-1, 1, shape).astype(np.float32))
                  for name, shape in input_shapes(args.model, args.batch)]
    for name, value in inputs:
        if name is None:
            net.setInput(value)
        else:
            net.setInput(value, name)
    batch = inputs[0][1].shape[0]

    def forward():
        return net.forward(args.output) if args.output else net.forward()

    if args.once:
        forward()
        return

    for _ in range(args.warmup):
        forward()
    ms = []
    for _ in range(args.iterations):
        start = time.perf_counter()
        out = forward()
        ms.append((time.perf_counter() - start) * 1000)
    if args.save:
        np.save(args.save, np.ascontiguousarray(out, dtype=np.float32))
    print(json.dumps({
        "engine": "opencv", "model": args.model, "batch": int(batch), "threads": args.threads,
        "iterations": args.iterations,
        "ms": {"median": round(float(np.median(ms)), 4), "min": round(min(ms), 4), "max": round(max(ms), 4)},
    }))


if __name__ == "__main__":
    main()
