#!/usr/bin/python3
"""Independent view of a Caffe net through OpenCV DNN (which upgrades V0/V1 nets itself).

Usage: tools/opencv-net-summary.py NET.prototxt [WEIGHTS.caffemodel]
Prints one line per layer: name, type, and for each weight blob its shape and the sum of its values.
Used to check CaffeNet's upgrade against a second implementation; not needed at run time.
"""
import sys

import cv2
import numpy as np


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    net = cv2.dnn.readNetFromCaffe(*sys.argv[1:])
    for layer_id, name in enumerate(net.getLayerNames(), start=1):
        layer = net.getLayer(layer_id)
        blobs = [f"{list(b.shape)}:{float(np.sum(b, dtype=np.float64)):.9g}" for b in layer.blobs]
        print(name, layer.type, *blobs, sep="\t")


if __name__ == "__main__":
    main()
