#!/usr/bin/python3
"""Run the corpus's SSD deploy nets in caffenet and in OpenCV DNN and compare their detections.

Usage:
  crosscheck-ssd.py CAFFENET.dll [--layers] [--net NAME] [--keep DIR]

Each net gets seeded weights from `caffenet init --calibrate --filler msra` (the corpus has no
trained SSD weights; calibrated on one seeded image, checked on another) and the same seeded input
in both engines. DetectionOutput's rows [image, label, score, xmin, ymin, xmax, ymax] are sorted
(image, label, score descending, box) and must be the same rows: the same count, image and label,
boxes to 1e-4 and scores to 1e-3. Rows that only one engine keeps are listed with their scores
(a score at the confidence threshold or at the keep_top_k cut can fall either way by float32 noise).
--layers also compares every layer with tools/crosscheck-opencv.py (caffenet's --dump-all).
Exit status 1 when a net fails.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "..", "shared", "corpus")
# (name, prototxt, whether --layers can compare it: crosscheck-opencv.py tells layers by name,
# and SSDLite names many layers "slice").
NETS = [
    ("res10 face SSD", "faceres10ssd-opencv-deploy/deploy.prototxt", True),
    ("MobileNet-SSD", "mobilenetssd-chuanqi305/deploy.prototxt", True),
    ("MobileNetV2-SSDLite", "mobilenetv2ssdlite-chuanqi305-voc-deploy/deploy.prototxt", False),
]
BOX_TOL, SCORE_TOL = 1e-4, 1e-3


def caffenet(dll, *args):
    subprocess.run(["dotnet", dll, *args], check=True, stdout=subprocess.DEVNULL)


def seeded(path, seed, shape):
    np.save(path, np.random.RandomState(seed).uniform(0, 1, shape).astype(np.float32))


def opencv_detections(model, weights, image):
    net = cv2.dnn.readNetFromCaffe(model, weights)
    net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    net.setInput(image, "data")
    return net.forward("detection_out").reshape(-1, 7)


def real_rows(rows):
    """Without the fork's placeholder rows (label -1: no detection in that image) and OpenCV's
    all-zero output when nothing is found."""
    rows = rows[rows[:, 1] != -1]
    return rows[np.any(rows != 0, axis=1)]


def ordered(rows):
    keys = [rows[:, 6], rows[:, 5], rows[:, 4], rows[:, 3], -rows[:, 2], rows[:, 1], rows[:, 0]]
    return rows[np.lexsort(keys)]


def compare(ours, theirs):
    """(ok, message) for two sets of detection rows."""
    ours, theirs = ordered(real_rows(ours)), ordered(real_rows(theirs))
    if len(ours) == len(theirs) and np.array_equal(ours[:, :2], theirs[:, :2]):
        score = float(np.max(np.abs(ours[:, 2] - theirs[:, 2]))) if len(ours) else 0.0
        box = float(np.max(np.abs(ours[:, 3:] - theirs[:, 3:]))) if len(ours) else 0.0
        ok = box <= BOX_TOL and score <= SCORE_TOL
        return ok, "%d rows, same images and labels; max |diff| box %.3g, score %.3g" % (len(ours), box, score)
    # Different rows: pair those of the same image and label whose boxes agree, list the rest.
    unmatched = [list(r) for r in theirs]
    only_ours = []
    for r in ours:
        match = next((t for t in unmatched if t[0] == r[0] and t[1] == r[1] and
                      np.max(np.abs(np.array(t[3:]) - r[3:])) <= BOX_TOL), None)
        if match is None:
            only_ours.append(r)
        else:
            unmatched.remove(match)
    describe = lambda rows: ", ".join("image %d label %d score %.6g" % (r[0], r[1], r[2]) for r in rows[:6])
    return False, "%d rows ours, %d OpenCV's; only ours: %d (%s); only OpenCV's: %d (%s)" % (
        len(ours), len(theirs), len(only_ours), describe(only_ours), len(unmatched), describe(unmatched))


def check(dll, name, model, work, layers):
    print("== %s (%s)" % (name, os.path.relpath(model, CORPUS)))
    calibration, image = os.path.join(work, "calibration.npy"), os.path.join(work, "image.npy")
    # Several images, so that BatchNorms on 1x1 maps see a real variance.
    seeded(calibration, 8, (8, 3, 300, 300))
    seeded(image, 7, (1, 3, 300, 300))
    weights = os.path.join(work, "weights.caffemodel")
    caffenet(dll, "init", model, "-o", weights, "--seed", "1", "--calibrate", "--filler", "msra",
             "--input", "data=" + calibration)
    out = os.path.join(work, "out")
    caffenet(dll, "run", model, "--weights", weights, "--input", "data=" + image, "--output", out)
    ours = np.load(os.path.join(out, "detection_out.npy")).reshape(-1, 7)
    theirs = opencv_detections(model, weights, np.load(image))
    ok, message = compare(ours, theirs)
    print("%s fused path: %s" % ("ok  " if ok else "FAIL", message))
    if layers:
        dump = os.path.join(work, "dump")
        caffenet(dll, "run", model, "--weights", weights, "--input", "data=" + image, "--dump-all", dump)
        reference = np.load(os.path.join(dump, "detection_out.npy")).reshape(-1, 7)
        ref_ok, ref_message = compare(reference, theirs)
        print("%s reference path: %s" % ("ok  " if ref_ok else "FAIL", ref_message))
        layer_ok = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "crosscheck-opencv.py"), "--model", model,
                                   "--weights", weights, "--input", "data=" + image, "--ours", dump]).returncode == 0
        ok = ok and ref_ok and layer_ok
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dll", help="caffenet.dll to run")
    ap.add_argument("--layers", action="store_true", help="also compare every layer (tools/crosscheck-opencv.py)")
    ap.add_argument("--net", action="append", help="only the nets whose name contains this (repeatable)")
    ap.add_argument("--keep", help="work in this folder and keep it")
    args = ap.parse_args()
    failed = []
    for name, relative, by_name in NETS:
        if args.net and not any(n.lower() in name.lower() for n in args.net):
            continue
        model = os.path.normpath(os.path.join(CORPUS, relative))
        if args.layers and not by_name:
            print("(%s: layers not compared one by one, as several share a name)" % name)
        if args.keep:
            work = os.path.join(args.keep, name.replace(" ", "_"))
            os.makedirs(work, exist_ok=True)
            ok = check(args.dll, name, model, work, args.layers and by_name)
        else:
            with tempfile.TemporaryDirectory() as work:
                ok = check(args.dll, name, model, work, args.layers and by_name)
        if not ok:
            failed.append(name)
    if failed:
        print("crosscheck-ssd failed: %s" % ", ".join(failed))
        return 1
    print("crosscheck-ssd: every net's detections agree with OpenCV DNN")
    return 0


if __name__ == "__main__":
    sys.exit(main())
