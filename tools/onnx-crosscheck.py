#!/usr/bin/python3
"""Check tools/caffe2onnx.py: the ONNX file in ONNX Runtime (tools/OrtBench) against the Caffe net
in OpenCV DNN (fusion off), blob by blob, on the same seeded input.

Usage:
  onnx-crosscheck.py NET.prototxt [--weights W.caffemodel] [--blobs a,b,...] [--tol 1e-4]
                     [--seed N] [--bn-scale-factor F] [--no-calibrate] [--ortbench PATH]

Without --weights, tools/random-caffemodel.py makes them (--seed, --bn-scale-factor,
--no-calibrate). Without
--blobs, every blob's last value is compared. A blob passes when max|ort - opencv| <= tol *
max|opencv|. Prints one line per blob and the worst relative error; exit status 1 if any fails.
OrtBench must be built (dotnet build tools/OrtBench/OrtBench.csproj -c Release).
"""
import argparse
import os
import subprocess
import sys
import tempfile

import cv2
import numpy as np

TOOLS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TOOLS)
import caffeproto  # noqa: E402

ORTBENCH = os.path.join(TOOLS, "OrtBench", "bin", "Release", "net10.0", "ortbench")


def last_writers(layers):
    """Caffe blob -> the last layer writing it (OpenCV names a layer's outputs by the layer)."""
    writers = {}
    for layer in layers:
        for top in layer.top:
            writers[top] = layer.name
    return writers


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("--weights")
    ap.add_argument("--blobs")
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bn-scale-factor", type=float, default=1.0)
    ap.add_argument("--no-calibrate", action="store_true")
    ap.add_argument("--ortbench", default=ORTBENCH)
    args = ap.parse_args()

    net = caffeproto.read_net(args.model)
    layers = caffeproto.test_layers(net)
    writers = last_writers(layers)
    inputs = caffeproto.net_inputs(net, layers)
    if len(inputs) != 1:
        sys.exit("onnx-crosscheck: nets with one input only")
    input_names = {name for name, _ in inputs}
    blobs = args.blobs.split(",") if args.blobs else [b for b in writers if b not in input_names]
    # Split tops are the same value: OpenCV gives only the first one by the layer's name.
    blobs = [b for b in blobs if not any(l.type == "Split" and b in l.top[1:] for l in layers)]

    with tempfile.TemporaryDirectory() as tmp:
        weights = args.weights
        if not weights:
            weights = os.path.join(tmp, "w.caffemodel")
            subprocess.run([sys.executable, os.path.join(TOOLS, "random-caffemodel.py"), args.model, "-o", weights,
                            "--seed", str(args.seed), "--bn-scale-factor", str(args.bn_scale_factor)]
                           + (["--no-calibrate"] if args.no_calibrate else []),
                           check=True, stdout=subprocess.DEVNULL)
        onnx_file = os.path.join(tmp, "net.onnx")
        cmd = [sys.executable, os.path.join(TOOLS, "caffe2onnx.py"), args.model, weights, "-o", onnx_file]
        for b in blobs:
            cmd += ["--output", b]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)

        x = np.random.default_rng(args.seed).uniform(-1, 1, inputs[0][1]).astype(np.float32)
        np.save(os.path.join(tmp, "in.npy"), x)
        subprocess.run([args.ortbench, onnx_file, "--input", os.path.join(tmp, "in.npy"), "--iterations", "1",
                        "--warmup", "0", "--save-dir", os.path.join(tmp, "ort")], check=True, stdout=subprocess.DEVNULL)

        cv = cv2.dnn.readNetFromCaffe(args.model, weights)
        cv.enableFusion(False)
        cv.setInput(x)
        theirs = cv.forward([writers[b] for b in blobs])

        worst, failed = 0.0, 0
        for i, (blob, ref) in enumerate(zip(blobs, theirs)):
            ours = np.load(os.path.join(tmp, "ort", "%d.npy" % i))
            if ours.size != ref.size:
                print("FAIL %-24s shape %s, OpenCV %s" % (blob, ours.shape, ref.shape))
                failed += 1
                continue
            scale = float(np.abs(ref).max()) or 1.0
            rel = float(np.abs(ours.reshape(ref.shape) - ref).max()) / scale
            worst = max(worst, rel)
            ok = rel <= args.tol
            failed += not ok
            print("%s %-24s %-18s rel %.2e (max|x| %.3g)" % ("ok  " if ok else "FAIL", blob, tuple(ref.shape), rel, scale))
    print("%d blobs, %d failed, worst relative error %.2e" % (len(blobs), failed, worst))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
