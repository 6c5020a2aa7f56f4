#!/usr/bin/python3
"""Convert a Caffe deploy net (.prototxt + .caffemodel) to ONNX (opset 13) for ONNX Runtime.

Usage:
  caffe2onnx.py NET.prototxt WEIGHTS.caffemodel -o OUT.onnx [--batch N] [--output BLOB ...]

Covers MobileNet-like nets: Input, Convolution, BatchNorm (with a following Scale as ONE
BatchNormalization node), Scale, ReLU (LeakyRelu with negative_slope), ReLU6 and Clip, Sigmoid,
TanH, Eltwise SUM (coeffs) / PROD / MAX, Pooling MAX / AVE (global or not), InnerProduct, Flatten,
Softmax, Concat, Split; Dropout is dropped. Another layer type stops with its name.

The batch dimension is symbolic ("N") unless --batch fixes it. The graph's outputs are the blobs
no later layer reads, or the blobs named by --output (their last value).

Pooling: Caffe rounds the output size up (down with round_mode: FLOOR or the forks' ceil_mode:
false) and drops a last window that would start in the padding; ONNX gets the exact size through
explicit end padding (ONNX ceil_mode 0). Caffe's AVE divides by the window clipped to input +
padding, which is ONNX's count_include_pad=1 unless a window reaches past the padding (then the
ONNX divisor is larger at that edge; reported as a warning). With no padding such windows are
clipped to the input, which is count_include_pad=0, exact.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import caffeproto  # noqa: E402
from caffeproto import CaffeError  # noqa: E402

import onnx  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

OPSET = 13


class Converter:
    def __init__(self, net, layers, weights, batch):
        self.net, self.layers, self.weights, self.batch = net, layers, weights, batch
        self.shapes, self.bottoms = caffeproto.infer_shapes(net, layers)
        self.nodes, self.initializers = [], []
        self.current = {}       # Caffe blob name -> ONNX value holding its latest version
        self.names = set()      # ONNX names in use
        self.unread = {}        # ONNX value -> Caffe blob, for values nothing has read yet (net outputs)
        self.order = []
        self.merged = set()     # Scale layers folded into the BatchNorm before them
        self.value_shapes = {}

    # --- naming ---
    def fresh(self, base):
        name, k = base, 1
        while name in self.names:
            name, k = "%s_%d" % (base, k), k + 1
        self.names.add(name)
        return name

    def read(self, blob, layer):
        if blob not in self.current:
            raise CaffeError("layer %s reads blob %s that no earlier layer writes" % (layer.name, blob))
        value = self.current[blob]
        self.unread.pop(value, None)
        return value

    def write(self, blob, layer, shape):
        """A new ONNX value for a top; in-place layers get the layer's name since the blob's is taken."""
        value = self.fresh(blob if blob not in self.names else "%s/%s" % (blob, layer.name))
        self.current[blob] = value
        self.unread[value] = blob
        self.order.append(value)
        self.value_shapes[value] = shape
        return value

    def constant(self, base, array):
        name = self.fresh(base)
        self.initializers.append(numpy_helper.from_array(np.asarray(array, dtype=np.float32), name))
        return name

    def node(self, op, inputs, outputs, name, **attrs):
        self.nodes.append(helper.make_node(op, inputs, outputs, name=self.fresh(name), **attrs))

    def blobs(self, layer, count):
        have = self.weights.get(layer.name)
        if have is None or len(have) < count:
            raise CaffeError("layer %s (%s) needs %d weight blob(s), the caffemodel has %d" % (
                layer.name, layer.type, count, 0 if have is None else len(have)))
        return have

    # --- the net ---
    def run(self, outputs):
        inputs = []
        for name, shape in caffeproto.net_inputs(self.net, self.layers):
            value = self.fresh(name)
            self.current[name] = value
            self.value_shapes[value] = shape
            inputs.append(helper.make_tensor_value_info(value, TensorProto.FLOAT, self.dims(shape)))
        for index, layer in enumerate(self.layers):
            if layer.name in self.merged or layer.type == "Input":
                continue
            handler = getattr(self, "layer_" + layer.type, None)
            if handler is None:
                raise CaffeError("layer %s: type %s is not handled" % (layer.name, layer.type))
            try:
                handler(layer, index)
            except CaffeError as e:
                if str(e).startswith("layer "):
                    raise
                raise CaffeError("layer %s (%s): %s" % (layer.name, layer.type, e))
            except ValueError as e:  # a weight blob that does not fit the layer (numpy reshape)
                raise CaffeError("layer %s (%s): weights do not fit: %s" % (layer.name, layer.type, e))

        if outputs:
            missing = [b for b in outputs if b not in self.current]
            if missing:
                raise CaffeError("--output %s: no such blob" % ", ".join(missing))
            values = []
            for blob in outputs:
                value = self.current[blob]
                if value in values or (value != blob and blob not in self.names):
                    # An alias (Split, Dropout) or a repeat: give the output the blob's own name.
                    alias = self.fresh(blob)
                    self.node("Identity", [value], [alias], alias)
                    self.value_shapes[alias] = self.value_shapes[value]
                    value = alias
                values.append(value)
        else:
            values = [v for v in self.order if v in self.unread]
        graph_outputs = [helper.make_tensor_value_info(v, TensorProto.FLOAT, self.dims(self.value_shapes[v]))
                         for v in values]
        graph = helper.make_graph(self.nodes, self.net.name or "caffe", inputs, graph_outputs, self.initializers)
        model = helper.make_model(graph, producer_name="caffenet tools/caffe2onnx.py",
                                  opset_imports=[helper.make_opsetid("", OPSET)])
        onnx.checker.check_model(model)
        return model

    def dims(self, shape):
        return [self.batch if self.batch else "N"] + list(shape[1:])

    def simple(self, layer, op, **attrs):
        x = self.read(layer.bottom[0], layer)
        out = self.write(layer.top[0], layer, self.shapes_of(layer)[0])
        self.node(op, [x], [out], layer.name, **attrs)

    def shapes_of(self, layer):
        return caffeproto.layer_shapes(layer, self.bottoms[layer.name])

    # --- layers ---
    def layer_Convolution(self, layer, _):
        p = layer.convolution_param
        kernel, pad, stride, dilation = caffeproto.conv_geometry(p)
        group = p.group or 1
        channels = self.bottoms[layer.name][0][1]
        blobs = self.blobs(layer, 2 if p.bias_term else 1)
        weight = blobs[0].reshape(p.num_output, channels // group, *kernel)
        inputs = [self.read(layer.bottom[0], layer), self.constant(layer.name + "/W", weight)]
        if p.bias_term:
            inputs.append(self.constant(layer.name + "/B", blobs[1].reshape(p.num_output)))
        out = self.write(layer.top[0], layer, self.shapes_of(layer)[0])
        self.node("Conv", inputs, [out], layer.name, kernel_shape=kernel, pads=pad + pad, strides=stride,
                  dilations=dilation, group=group)

    def following_scale(self, index):
        """The Scale layer right after BatchNorm layers[index] reading its output and nothing else reading it."""
        bn = self.layers[index]
        if index + 1 >= len(self.layers):
            return None
        scale = self.layers[index + 1]
        p = scale.scale_param
        if (scale.type != "Scale" or list(scale.bottom) != [bn.top[0]] or p.axis != 1 or p.num_axes != 1):
            return None
        if scale.top[0] != bn.top[0]:
            # Not in place: the BatchNorm output must have no other reader before it is overwritten.
            for later in self.layers[index + 2:]:
                if bn.top[0] in later.bottom:
                    return None
                if bn.top[0] in later.top:
                    break
        return scale

    def layer_BatchNorm(self, layer, index):
        if layer.batch_norm_param.HasField("use_global_stats") and not layer.batch_norm_param.use_global_stats:
            raise CaffeError("use_global_stats: false (batch statistics) has no ONNX inference form")
        blobs = self.blobs(layer, 3)
        factor = float(blobs[2].ravel()[0])
        factor = 0.0 if factor == 0 else 1.0 / factor
        channels = self.bottoms[layer.name][0][1]
        mean = blobs[0].reshape(channels) * factor
        var = blobs[1].reshape(channels) * factor
        gamma, beta = np.ones(channels), np.zeros(channels)
        scale = self.following_scale(index)
        last = layer
        if scale is not None:
            sblobs = self.blobs(scale, 2 if scale.scale_param.bias_term else 1)
            gamma = sblobs[0].reshape(channels)
            if scale.scale_param.bias_term:
                beta = sblobs[1].reshape(channels)
            self.merged.add(scale.name)
            last = scale
        x = self.read(layer.bottom[0], layer)
        out = self.write(last.top[0], last, self.bottoms[layer.name][0])
        self.node("BatchNormalization", [
            x, self.constant(last.name + "/gamma", gamma), self.constant(last.name + "/beta", beta),
            self.constant(layer.name + "/mean", mean), self.constant(layer.name + "/var", var)],
            [out], layer.name, epsilon=layer.batch_norm_param.eps)

    def layer_Scale(self, layer, _):
        p = layer.scale_param
        if len(layer.bottom) > 1:
            raise CaffeError("Scale with a second bottom is not handled")
        shape = self.bottoms[layer.name][0]
        axis = p.axis % len(shape)
        count = len(shape) - axis if p.num_axes == -1 else p.num_axes
        # Broadcast over the trailing axes: gamma of shape[axis:axis+count] padded with ones.
        param_shape = list(shape[axis: axis + count]) + [1] * (len(shape) - axis - count)
        blobs = self.blobs(layer, 2 if p.bias_term else 1)
        x = self.read(layer.bottom[0], layer)
        scaled = self.fresh(layer.name + "/mul") if p.bias_term else self.write(layer.top[0], layer, shape)
        self.node("Mul", [x, self.constant(layer.name + "/gamma", blobs[0].reshape(param_shape))], [scaled], layer.name)
        if p.bias_term:
            out = self.write(layer.top[0], layer, shape)
            self.node("Add", [scaled, self.constant(layer.name + "/beta", blobs[1].reshape(param_shape))], [out],
                      layer.name + "/bias")

    def layer_ReLU(self, layer, _):
        slope = layer.relu_param.negative_slope
        if slope:
            self.simple(layer, "LeakyRelu", alpha=slope)
        else:
            self.simple(layer, "Relu")

    def clip(self, layer, low, high):
        x = self.read(layer.bottom[0], layer)
        out = self.write(layer.top[0], layer, self.bottoms[layer.name][0])
        self.node("Clip", [x, self.constant(layer.name + "/min", np.float32(low)),
                           self.constant(layer.name + "/max", np.float32(high))], [out], layer.name)

    def layer_ReLU6(self, layer, _):
        self.clip(layer, 0.0, 6.0)

    def layer_Clip(self, layer, _):
        self.clip(layer, layer.clip_param.min, layer.clip_param.max)

    def layer_Sigmoid(self, layer, _):
        self.simple(layer, "Sigmoid")

    def layer_TanH(self, layer, _):
        self.simple(layer, "Tanh")

    def layer_Dropout(self, layer, _):
        # Identity at test time: the top is the bottom's value under another name.
        self.current[layer.top[0]] = self.read(layer.bottom[0], layer)
        self.unread[self.current[layer.top[0]]] = layer.top[0]

    def layer_Split(self, layer, _):
        value = self.read(layer.bottom[0], layer)
        for top in layer.top:
            self.current[top] = value
        self.unread[value] = layer.top[0]

    def layer_Softmax(self, layer, _):
        # Opset 13 Softmax normalises along `axis` alone, as Caffe does.
        self.simple(layer, "Softmax", axis=layer.softmax_param.axis)

    def layer_Flatten(self, layer, _):
        self.simple(layer, "Flatten", axis=layer.flatten_param.axis % len(self.bottoms[layer.name][0]))

    def layer_Concat(self, layer, _):
        inputs = [self.read(b, layer) for b in layer.bottom]
        out = self.write(layer.top[0], layer, self.shapes_of(layer)[0])
        self.node("Concat", inputs, [out], layer.name, axis=caffeproto.concat_axis(layer))

    def layer_Eltwise(self, layer, _):
        p = layer.eltwise_param
        inputs = [self.read(b, layer) for b in layer.bottom]
        shape = self.bottoms[layer.name][0]
        op = {0: "Mul", 1: "Sum", 2: "Max"}[p.operation]
        if op == "Sum" and len(p.coeff):
            if len(p.coeff) != len(inputs):
                raise CaffeError("Eltwise has %d coeffs for %d bottoms" % (len(p.coeff), len(inputs)))
            weighted = []
            for i, (x, c) in enumerate(zip(inputs, p.coeff)):
                if c == 1:
                    weighted.append(x)
                    continue
                y = self.fresh("%s/coeff%d" % (layer.name, i))
                self.node("Mul", [x, self.constant("%s/c%d" % (layer.name, i), np.float32(c))], [y], y)
                weighted.append(y)
            inputs = weighted
        if op == "Sum" and len(inputs) == 2:
            op = "Add"
        if op == "Mul" and len(inputs) > 2:
            # ONNX Mul is binary: chain it.
            acc = inputs[0]
            for i, x in enumerate(inputs[1:-1]):
                y = self.fresh("%s/prod%d" % (layer.name, i))
                self.node("Mul", [acc, x], [y], y)
                acc = y
            inputs = [acc, inputs[-1]]
        out = self.write(layer.top[0], layer, shape)
        self.node(op, inputs, [out], layer.name)

    def layer_Pooling(self, layer, _):
        p = layer.pooling_param
        if p.pool not in (0, 1):
            raise CaffeError("only MAX and AVE pooling are handled")
        shape = self.bottoms[layer.name][0]
        out_shape = self.shapes_of(layer)[0]
        x = self.read(layer.bottom[0], layer)
        out = self.write(layer.top[0], layer, out_shape)
        if p.global_pooling:
            self.node("GlobalMaxPool" if p.pool == 0 else "GlobalAveragePool", [x], [out], layer.name)
            return
        kernel, pad, stride = caffeproto.pool_geometry(p)
        # End padding that makes ONNX's floor rounding give Caffe's output size.
        end = [(o - 1) * s + k - size - pd for o, s, k, size, pd in zip(out_shape[2:], stride, kernel, shape[2:], pad)]
        end = [max(e, 0) for e in end]
        attrs = dict(kernel_shape=kernel, strides=stride, pads=pad + end)
        if p.pool == 0:
            self.node("MaxPool", [x], [out], layer.name, **attrs)
            return
        padded = any(pad)
        past_padding = any(e > pd for e, pd in zip(end, pad))
        if padded and past_padding:
            print("caffe2onnx: warning: layer %s: AVE windows reach past the padding; ONNX divides the last "
                  "ones by the full kernel size, Caffe by the clipped window" % layer.name, file=sys.stderr)
        self.node("AveragePool", [x], [out], layer.name, count_include_pad=1 if padded else 0, **attrs)

    def layer_InnerProduct(self, layer, _):
        p = layer.inner_product_param
        shape = self.bottoms[layer.name][0]
        axis = p.axis % len(shape)
        if axis != 1:
            raise CaffeError("InnerProduct with axis %d is not handled (only 1)" % p.axis)
        fan_in = int(np.prod(shape[1:]))
        blobs = self.blobs(layer, 2 if p.bias_term else 1)
        x = self.read(layer.bottom[0], layer)
        if len(shape) != 2:
            flat = self.fresh(layer.name + "/flatten")
            self.node("Flatten", [x], [flat], flat, axis=1)
            x = flat
        weight = blobs[0].reshape((fan_in, p.num_output) if p.transpose else (p.num_output, fan_in))
        inputs = [x, self.constant(layer.name + "/W", weight)]
        if p.bias_term:
            inputs.append(self.constant(layer.name + "/B", blobs[1].reshape(p.num_output)))
        out = self.write(layer.top[0], layer, self.shapes_of(layer)[0])
        self.node("Gemm", inputs, [out], layer.name, transB=0 if p.transpose else 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("weights")
    ap.add_argument("-o", "--output-file", required=True, dest="out")
    ap.add_argument("--batch", type=int, default=0, help="fixed batch size (default: symbolic N)")
    ap.add_argument("--output", action="append", default=[], help="a blob to make a graph output (repeatable)")
    args = ap.parse_args()

    try:
        net = caffeproto.read_net(args.model)
        layers = caffeproto.test_layers(net)
        weights = caffeproto.read_weights(args.weights)
        model = Converter(net, layers, weights, args.batch).run(args.output)
    except CaffeError as e:
        sys.exit("caffe2onnx: %s: %s" % (args.model, e))

    tmp = args.out + ".tmp"
    onnx.save(model, tmp)
    os.replace(tmp, args.out)
    counts = {}
    for n in model.graph.node:
        counts[n.op_type] = counts.get(n.op_type, 0) + 1
    print("wrote %s: %s" % (args.out, ", ".join("%d %s" % (c, op) for op, c in sorted(counts.items()))))


if __name__ == "__main__":
    main()
