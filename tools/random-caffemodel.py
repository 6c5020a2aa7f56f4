#!/usr/bin/python3
"""Write a seeded random caffemodel for a deploy prototxt: weights for benchmarks and cross-checks.

Usage:
  random-caffemodel.py NET.prototxt -o OUT.caffemodel [--seed N] [--bn-scale-factor F] [--no-calibrate]

Values keep activations in a sane range through a deep net: convolution and inner-product
weights are normal with std sqrt(2 / fan_in) (MSRA) before a ReLU and sqrt(1 / fan_in) elsewhere,
biases small; Scale gamma near 1 and beta near 0. BatchNorm statistics are what a trained net
has: the mean and variance of each channel measured by OpenCV DNN on seeded random input, layer by
layer (so every BatchNorm really normalises and a deep net's outputs stay near unit scale; a
softmax at the end is not saturated). --no-calibrate stores mean near 0 and variance near 1
instead, without OpenCV; activations then grow with depth.

Caffe's BatchNorm divides its stored mean and variance by a third blob, the scale factor (1 by
default). --bn-scale-factor F stores mean*F, var*F and F, which means the same net and exercises
that division in a converter.

The file is the prototxt's net with each layer's blobs filled in, as Caffe writes a caffemodel.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import caffeproto  # noqa: E402
from caffeproto import CaffeError  # noqa: E402


ACTIVATIONS = {"ReLU", "ReLU6", "Clip"}
PASS_THROUGH = {"BatchNorm", "Scale", "Dropout"}


def rectified(layers, index):
    """Whether the output of layers[index] reaches a ReLU-like layer through BatchNorm/Scale only."""
    blob = layers[index].top[0]
    for layer in layers[index + 1:]:
        if blob not in layer.bottom:
            continue
        if layer.type in ACTIVATIONS:
            return True
        if layer.type not in PASS_THROUGH:
            return False
        blob = layer.top[0]
    return False


def weight_std(fan_in, gain):
    """MSRA's sqrt(2 / fan_in) before a ReLU, which halves the second moment; sqrt(1 / fan_in) before
    none (a linear bottleneck, the classifier), so that activations neither blow up nor vanish."""
    return np.sqrt(gain / fan_in)


def layer_blobs(layer, ins, rng, bn_factor, gain):
    t = layer.type
    if t == "Convolution":
        p = layer.convolution_param
        kernel, _, _, _ = caffeproto.conv_geometry(p)
        group = p.group or 1
        fan_in = ins[0][1] // group * kernel[0] * kernel[1]
        blobs = [rng.normal(0, weight_std(fan_in, gain), (p.num_output, ins[0][1] // group, *kernel))]
        if p.bias_term:
            blobs.append(rng.normal(0, 0.01, p.num_output))
        return blobs
    if t == "InnerProduct":
        p = layer.inner_product_param
        fan_in = int(np.prod(ins[0][p.axis % len(ins[0]):]))
        shape = (fan_in, p.num_output) if p.transpose else (p.num_output, fan_in)
        blobs = [rng.normal(0, weight_std(fan_in, gain), shape)]
        if p.bias_term:
            blobs.append(rng.normal(0, 0.01, p.num_output))
        return blobs
    if t == "BatchNorm":
        c = ins[0][1]
        mean = rng.normal(0, 0.1, c)
        var = rng.uniform(0.5, 1.5, c)
        return [mean * bn_factor, var * bn_factor, np.array([bn_factor])]
    if t == "Scale":
        if len(layer.bottom) > 1:
            return []
        p = layer.scale_param
        axis = p.axis % len(ins[0])
        shape = ins[0][axis:] if p.num_axes == -1 else ins[0][axis: axis + p.num_axes]
        blobs = [rng.normal(1, 0.1, shape)]
        if p.bias_term:
            blobs.append(rng.normal(0, 0.1, shape))
        return blobs
    return []


def producer(layers, index):
    """Name of the last layer before layers[index] that writes its first bottom (OpenCV names outputs by layer)."""
    blob = layers[index].bottom[0]
    for layer in reversed(layers[:index]):
        if blob in layer.top:
            return layer.name
    return None


def calibrate(model, net, layers, bottoms, seed, bn_factor):
    """Set each BatchNorm's mean and variance to those of its input, measured in OpenCV (fusion off)."""
    import tempfile
    import cv2

    rng = np.random.default_rng(seed + 1)
    by_name = {layer.name: layer for layer in net.layer}
    with tempfile.TemporaryDirectory() as tmp:
        weights = os.path.join(tmp, "w.caffemodel")
        for i, layer in enumerate(layers):
            if layer.type != "BatchNorm":
                continue
            source = producer(layers, i)
            if source is None:
                continue
            with open(weights, "wb") as f:
                f.write(net.SerializeToString())
            cv = cv2.dnn.readNetFromCaffe(model, weights)
            cv.enableFusion(False)
            for name, shape in caffeproto.net_inputs(net, layers):
                cv.setInput(rng.uniform(-1, 1, [max(2, shape[0])] + list(shape[1:])).astype(np.float32), name)
            x = cv.forward(source).astype(np.float64)
            axes = tuple(a for a in range(x.ndim) if a != 1)
            mean, var = x.mean(axis=axes), np.maximum(x.var(axis=axes), 1e-4)
            blobs = by_name[layer.name].blobs
            for k, array in enumerate([mean * bn_factor, var * bn_factor]):
                blobs[k].CopyFrom(caffeproto.array_blob(array.astype(np.float32)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bn-scale-factor", type=float, default=1.0)
    ap.add_argument("--no-calibrate", action="store_true")
    args = ap.parse_args()

    try:
        net = caffeproto.read_net(args.model)
        layers = caffeproto.test_layers(net)
        _, bottoms = caffeproto.infer_shapes(net, layers)
    except CaffeError as e:
        sys.exit("random-caffemodel: %s: %s" % (args.model, e))

    rng = np.random.default_rng(args.seed)
    count = 0
    index = {id(layer): i for i, layer in enumerate(layers)}
    for layer in net.layer:
        del layer.blobs[:]
        if id(layer) in index:
            gain = 2.0 if rectified(layers, index[id(layer)]) else 1.0
            for array in layer_blobs(layer, bottoms[layer.name], rng, args.bn_scale_factor, gain):
                layer.blobs.append(caffeproto.array_blob(array.astype(np.float32)))
                count += array.size

    if not args.no_calibrate:
        calibrate(args.model, net, layers, bottoms, args.seed, args.bn_scale_factor)

    tmp = args.output + ".tmp"
    with open(tmp, "wb") as f:
        f.write(net.SerializeToString())
    os.replace(tmp, args.output)
    print("wrote %s (%d weights, %.1f MB)" % (args.output, count, os.path.getsize(args.output) / 1e6))


if __name__ == "__main__":
    main()
