#!/usr/bin/python3
"""Check a YoloDetectionOutput or Yolov3DetectionOutput layer of `caffenet run --dump-all DIR`
against a numpy decoding written from the MobileNet-YOLO fork's source (OpenCV DNN has neither
layer). The layer's bottoms are read from the same dump, so only the layer itself is judged.

Usage: crosscheck-yolo.py --model NET.prototxt --ours DIR [--tol 1e-4]

The fork's rules: YOLOv2 (yolo_detection_output_layer.cpp) softmaxes the classes and keeps a box
when sigmoid(objectness) times its best class probability is at least the threshold; YOLOv3
(yolov3_detection_output_layer.cpp) gives a candidate per class whose sigmoid(score) times
sigmoid(objectness) is above it. Both sort by confidence and drop a box whose IoU with one kept
before it is at least nms_threshold, whatever the classes. Rows are
[image, class + 1, score, xmin, ymin, xmax, ymax]. Both sides' rows are compared after sorting;
the box and score columns must agree to tol. Exit status 1 on a mismatch.
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import caffeproto  # noqa: E402


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def v2(p, bottoms):
    boxes = []  # (image, x, y, w, h, class, confidence)
    for t in bottoms:
        n, c, side, _ = t.shape
        length = c // p.num_box
        for b in range(n):
            for row in range(side):
                for col in range(side):
                    for k in range(p.num_box):
                        v = t[b, k * length:(k + 1) * length, row, col]
                        scores = np.exp(v[5:5 + p.num_classes] - v[5:5 + p.num_classes].max())
                        scores /= scores.sum()
                        best = int(np.argmax(scores))
                        conf = sigmoid(v[4]) * scores[best]
                        if conf >= p.confidence_threshold:
                            boxes.append((b, (col + sigmoid(v[0])) / side, (row + sigmoid(v[1])) / side,
                                          np.exp(v[2]) * p.biases[2 * k] / side, np.exp(v[3]) * p.biases[2 * k + 1] / side,
                                          best, conf))
    return boxes


def v3(p, bottoms):
    boxes = []
    groups = len(p.mask) // len(bottoms)
    first = 9 if p.gaussian_box else 5
    length = first + p.num_classes
    for t, (blob, stride) in enumerate(zip(bottoms, p.anchors_scale)):
        n, c, h, w = blob.shape
        for b in range(n):
            for k in range(p.num_box):
                v = blob[b, k * length:(k + 1) * length].reshape(length, h * w)
                s = sigmoid(v)
                if p.gaussian_box:
                    obj = s[8] * (4 - s[1] - s[3] - s[5] - s[7]) / 4
                    tx, ty, tw, th = s[0], s[2], v[4], v[6]
                else:
                    obj, tx, ty, tw, th = s[4], s[0], s[1], v[2], v[3]
                anchor = p.mask[k + t * groups]
                for cell in range(h * w):
                    row, col = divmod(cell, w)
                    for cls in range(p.num_classes):
                        conf = s[first + cls, cell] * obj[cell]
                        if conf > p.confidence_threshold:
                            boxes.append((b, (col + tx[cell]) / w, (row + ty[cell]) / h,
                                          np.exp(tw[cell]) * p.biases[2 * anchor] / (w * stride),
                                          np.exp(th[cell]) * p.biases[2 * anchor + 1] / (h * stride), cls, conf))
    return boxes


def rows(boxes, images, threshold):
    out = []
    for image in range(images):
        mine = sorted((x for x in boxes if x[0] == image), key=lambda x: -x[6])
        kept = np.zeros((len(mine), 4))
        count = 0
        for box in mine:
            x, y, w, h = box[1:5]
            k = kept[:count]
            ow = np.minimum(k[:, 0] + k[:, 2] / 2, x + w / 2) - np.maximum(k[:, 0] - k[:, 2] / 2, x - w / 2)
            oh = np.minimum(k[:, 1] + k[:, 3] / 2, y + h / 2) - np.maximum(k[:, 1] - k[:, 3] / 2, y - h / 2)
            inter = np.where((ow < 0) | (oh < 0), 0.0, ow * oh)
            if count and np.any(inter / (k[:, 2] * k[:, 3] + w * h - inter) >= threshold):
                continue
            kept[count] = (x, y, w, h)
            count += 1
            b, cls, conf = box[0], box[5], box[6]
            out.append([b, cls + 1, conf, x - w / 2, y - h / 2, x + w / 2, y + h / 2])
    if not out:
        out = [[i] + [-1] * 6 for i in range(images)]
    return np.array(out, dtype=np.float64)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--ours", required=True)
    ap.add_argument("--tol", type=float, default=1e-4)
    args = ap.parse_args()
    net = caffeproto.read_net(args.model)
    index = json.load(open(os.path.join(args.ours, "index.json")))["layers"]
    written = {e["top"]: e["file"] for e in index}  # the last writer of each blob
    failed = 0
    for layer in net.layer:
        if layer.type not in ("YoloDetectionOutput", "Yolov3DetectionOutput"):
            continue
        entry = next(e for e in index if e["layer"] == layer.name)
        bottoms = [np.load(os.path.join(args.ours, written[b])).astype(np.float64) for b in layer.bottom]
        if layer.type == "YoloDetectionOutput":
            p = layer.yolo_detection_output_param
            candidates = v2(p, bottoms[:2])
        else:
            p = layer.yolov3_detection_output_param
            candidates = v3(p, bottoms)
        expected = rows(candidates, bottoms[0].shape[0], p.nms_threshold)
        ours = np.load(os.path.join(args.ours, entry["file"])).reshape(-1, 7).astype(np.float64)
        order = lambda r: r[np.lexsort((r[:, 3], r[:, 4], r[:, 1], -r[:, 2], r[:, 0]))]
        ok = ours.shape == expected.shape
        err = float(np.max(np.abs(order(ours) - order(expected)))) if ok else float("inf")
        ok = ok and err <= args.tol
        failed += 0 if ok else 1
        print("%s %s (%s): %d candidates, rows ours %d numpy %d, worst difference %.3g" % (
            "ok  " if ok else "FAIL", layer.name, layer.type, len(candidates), len(ours), len(expected), err))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
