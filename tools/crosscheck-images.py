#!/usr/bin/python3
"""Image inputs of `caffenet run` against OpenCV's cv2.dnn.blobFromImage (crop=True).

Usage: /usr/bin/python3 tools/crosscheck-images.py CAFFENET.dll [IMAGE_DIR]

For each case, caffenet decodes, resizes, crops and normalises an image (--save-input) for a small
Input net of the wanted size, and blobFromImage does the same from cv2.imread's pixels with the
same mean, scale and channel order. Images already at the input's size must agree to 1e-5 (lossless
formats; JPEG decoders may differ, so JPEG is reported only); for resized images the largest and
mean difference from OpenCV's bilinear resize are printed, in pixel levels (0-255).
"""
import os
import subprocess
import sys
import tempfile

import cv2
import numpy as np

dll = os.path.abspath(sys.argv[1])
images = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "testdata", "images")
work = tempfile.mkdtemp()

NET = """name: "image-input"
layer {{ name: "data" type: "Input" top: "data" input_param {{ shape {{ dim: 1 dim: 3 dim: {h} dim: {w} }} }} }}
layer {{ name: "same" type: "Power" bottom: "data" top: "out" }}
"""


def ours(image, h, w, mean, scale, rgb):
    net = os.path.join(work, f"net-{h}x{w}.prototxt")
    with open(net, "w") as f:
        f.write(NET.format(h=h, w=w))
    out = os.path.join(work, "input.npy")
    args = ["dotnet", dll, "run", net, "--input", f"data={image}", "--save-input", out,
            "--mean", ",".join(str(m) for m in mean), "--scale", str(scale)]
    if rgb:
        args.append("--rgb")
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return np.load(out)


def opencv(image, h, w, mean, scale, rgb):
    pixels = cv2.imread(image, cv2.IMREAD_COLOR)
    return cv2.dnn.blobFromImage(pixels, scalefactor=scale, size=(w, h), mean=mean, swapRB=rgb, crop=True)


failures = []
exact, resized = [], []
# (file, input height, width, mean in the input's channel order, scale, RGB)
cases = []
for name in ["square-224.png", "square-224.bmp", "square-224.webp", "square-224.jpg"]:
    cases.append((name, 224, 224, (0, 0, 0), 1.0, False))
    cases.append((name, 224, 224, (123.68, 116.78, 103.94), 0.017, True))
for name in ["wide-320x200.png", "wide-320x200.jpg", "tall-150x260.webp", "tall-150x260.bmp", "square-224.png"]:
    for (h, w) in [(224, 224), (160, 160), (300, 300), (128, 96), (227, 227)]:
        cases.append((name, h, w, (103.94, 116.78, 123.68), 1.0, False))

for (name, h, w, mean, scale, rgb) in cases:
    path = os.path.join(images, name)
    a = ours(path, h, w, mean, scale, rgb)
    b = opencv(path, h, w, mean, scale, rgb)
    if a.shape != b.shape:
        failures.append(f"{name} {h}x{w}: shape {a.shape} against OpenCV's {b.shape}")
        continue
    diff = np.abs(a.astype(np.float64) - b.astype(np.float64)) / scale
    size = cv2.imread(path).shape[:2]
    same_size = size == (h, w)
    label = f"{name:18s} -> {h}x{w} {'RGB' if rgb else 'BGR'} scale {scale}"
    if same_size and not name.endswith(".jpg"):
        exact.append(diff.max() * scale)
        ok = diff.max() * scale <= 1e-5
        print(f"{label}: max diff {diff.max() * scale:.3g} (exact size) {'ok' if ok else 'FAIL'}")
        if not ok:
            failures.append(label)
    else:
        if not same_size:
            resized.append((diff.max(), diff.mean()))
        kind = "JPEG decode" if same_size else "resized"
        print(f"{label}: {kind}: max diff {diff.max():.4g} levels, mean {diff.mean():.4g}, "
              f"{(diff > 1e-3).mean() * 100:.2f}% of values differ")

print(f"exact size ({len(exact)} cases): max diff {max(exact):.3g}")
if resized:
    print(f"resized ({len(resized)} cases): max diff {max(m for m, _ in resized):.4g} levels, "
          f"mean diff {np.mean([d for _, d in resized]):.4g} levels")
if failures:
    print("FAILED: " + "; ".join(failures))
    sys.exit(1)
