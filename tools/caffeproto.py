"""Caffe nets in Python without Caffe: proto/caffe.proto compiled by protoc at run time, the
deploy net's TEST-phase layers, its inputs, and the shape of every blob.

Shared by caffe2onnx.py and random-caffemodel.py. Only the layer types those tools handle have a
shape rule; another type raises CaffeError naming the layer.
"""
import importlib.util
import os
import subprocess
import sys
import tempfile

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROTO = os.path.join(REPO, "proto", "caffe.proto")


class CaffeError(Exception):
    pass


def load_pb2():
    """Compile caffe.proto into a temporary directory and import the generated module."""
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(["protoc", "--proto_path", os.path.dirname(PROTO), "--python_out", out, PROTO], check=True)
        spec = importlib.util.spec_from_file_location("caffe_pb2", os.path.join(out, "caffe_pb2.py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


pb2 = load_pb2()


def read_net(path):
    from google.protobuf import text_format
    net = pb2.NetParameter()
    with open(path) as f:
        # Forks add fields (relu6_param, ...) that BVLC's schema lacks; skip them as Caffe forks would.
        text_format.Parse(f.read(), net, allow_unknown_field=True)
    if len(net.layers) and not len(net.layer):
        raise CaffeError("%s: legacy V1 `layers` net; upgrade it first with `caffenet convert IN OUT --upgrade`" % path)
    return net


def read_weights(path):
    """Blobs by layer name from a binary caffemodel (V2 `layer` or V1 `layers`)."""
    net = pb2.NetParameter()
    with open(path, "rb") as f:
        net.ParseFromString(f.read())
    weights = {}
    for layer in list(net.layer) + list(net.layers):
        if len(layer.blobs):
            weights[layer.name] = [blob_array(b) for b in layer.blobs]
    return weights


def blob_array(blob):
    if blob.HasField("shape"):
        shape = tuple(blob.shape.dim)
    else:
        shape = (blob.num, blob.channels, blob.height, blob.width)
    values = blob.data if len(blob.data) else blob.double_data
    array = np.asarray(values, dtype=np.float32)
    if array.size != int(np.prod(shape)):
        raise CaffeError("blob of shape %s holds %d values" % (shape, array.size))
    return array.reshape(shape)


def array_blob(array):
    blob = pb2.BlobProto()
    blob.shape.dim.extend(array.shape)
    blob.data.extend(np.asarray(array, dtype=np.float32).ravel().tolist())
    return blob


def rule_matches(rule):
    """A NetStateRule against the deploy state: phase TEST, level 0, no stages."""
    if rule.HasField("phase") and rule.phase != pb2.TEST:
        return False
    if rule.HasField("min_level") and 0 < rule.min_level:
        return False
    if rule.HasField("max_level") and 0 > rule.max_level:
        return False
    return not len(rule.stage)


def test_layers(net):
    """The layers Caffe builds in the TEST phase, in order."""
    kept = []
    for layer in net.layer:
        if layer.HasField("phase") and layer.phase != pb2.TEST:
            continue
        if len(layer.include):
            if not any(rule_matches(r) for r in layer.include):
                continue
        elif any(rule_matches(r) for r in layer.exclude):
            continue
        kept.append(layer)
    return kept


def net_inputs(net, layers):
    """[(blob name, shape)] from `input:` + input_shape/input_dim, or Input layers."""
    inputs = []
    for i, name in enumerate(net.input):
        if len(net.input_shape):
            inputs.append((name, list(net.input_shape[i].dim)))
        else:
            inputs.append((name, list(net.input_dim[4 * i: 4 * i + 4])))
    for layer in layers:
        if layer.type == "Input":
            shapes = layer.input_param.shape
            for j, top in enumerate(layer.top):
                inputs.append((top, list(shapes[j if len(shapes) > 1 else 0].dim)))
    if not inputs:
        raise CaffeError("the net has no input (`input:` fields or an Input layer)")
    return inputs


def spatial(param, repeated, h, w, default):
    """Caffe's spelling of a 2-D size: NAME_h/NAME_w, or a repeated NAME (one value for both axes)."""
    if param.HasField(h) or param.HasField(w):
        return [getattr(param, h), getattr(param, w)]
    values = list(getattr(param, repeated))
    if not values:
        return [default, default]
    return values * 2 if len(values) == 1 else values


def conv_geometry(p):
    """kernel, pad, stride, dilation as [h, w] lists."""
    kernel = spatial(p, "kernel_size", "kernel_h", "kernel_w", None)
    if None in kernel or len(kernel) != 2:
        raise CaffeError("convolution needs a 2-D kernel_size")
    dilation = list(p.dilation) or [1]
    return (kernel, spatial(p, "pad", "pad_h", "pad_w", 0), spatial(p, "stride", "stride_h", "stride_w", 1),
            dilation * 2 if len(dilation) == 1 else dilation)


def pool_geometry(p):
    kernel = [p.kernel_h, p.kernel_w] if p.HasField("kernel_h") else [p.kernel_size] * 2
    pad = [p.pad_h, p.pad_w] if p.HasField("pad_h") or p.HasField("pad_w") else [p.pad] * 2
    stride = [p.stride_h, p.stride_w] if p.HasField("stride_h") else [p.stride] * 2
    return kernel, pad, stride


def pool_out(size, kernel, pad, stride, ceil=True):
    """Caffe rounds up (round_mode: FLOOR or the forks' ceil_mode: false round down), then drops a
    last window that would start inside the padding."""
    span = size + 2 * pad - kernel
    out = (-(-span // stride) if ceil else span // stride) + 1
    if pad and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def concat_axis(layer):
    p = layer.concat_param
    return p.concat_dim if p.HasField("concat_dim") and not p.HasField("axis") else p.axis


def infer_shapes(net, layers):
    """Shape of every blob as the last layer writing it leaves it, plus each layer's bottom shapes."""
    shapes = dict(net_inputs(net, layers))
    bottoms = {}
    for layer in layers:
        try:
            ins = [list(shapes[b]) for b in layer.bottom]
        except KeyError as e:
            raise CaffeError("layer %s reads blob %s that no earlier layer writes" % (layer.name, e.args[0]))
        bottoms[layer.name] = ins
        for top, shape in zip(layer.top, layer_shapes(layer, ins)):
            shapes[top] = shape
    return shapes, bottoms


def layer_shapes(layer, ins):
    t = layer.type
    if t == "Input":
        return []
    if t in ("BatchNorm", "Scale", "ReLU", "ReLU6", "Clip", "Dropout", "Softmax", "Sigmoid", "TanH"):
        return [ins[0]]
    if t == "Split":
        return [ins[0]] * len(layer.top)
    if t == "Eltwise":
        return [ins[0]]
    if t == "Convolution":
        p = layer.convolution_param
        kernel, pad, stride, dilation = conv_geometry(p)
        n, _, h, w = ins[0]
        out = [(s + 2 * pd - (d * (k - 1) + 1)) // st + 1 for s, k, pd, st, d in zip((h, w), kernel, pad, stride, dilation)]
        return [[n, p.num_output] + out]
    if t == "Pooling":
        p = layer.pooling_param
        n, c, h, w = ins[0]
        if p.global_pooling:
            return [[n, c, 1, 1]]
        kernel, pad, stride = pool_geometry(p)
        ceil = p.ceil_mode and p.round_mode == pb2.PoolingParameter.CEIL
        return [[n, c] + [pool_out(s, k, pd, st, ceil) for s, k, pd, st in zip((h, w), kernel, pad, stride)]]
    if t == "InnerProduct":
        axis = layer.inner_product_param.axis % len(ins[0])
        return [ins[0][:axis] + [layer.inner_product_param.num_output]]
    if t == "Flatten":
        axis = layer.flatten_param.axis % len(ins[0])
        if layer.flatten_param.end_axis not in (-1, len(ins[0]) - 1):
            raise CaffeError("layer %s: Flatten with end_axis other than the last is not handled" % layer.name)
        return [ins[0][:axis] + [int(np.prod(ins[0][axis:]))]]
    if t == "Concat":
        axis = concat_axis(layer) % len(ins[0])
        out = list(ins[0])
        out[axis] = sum(s[axis] for s in ins)
        return [out]
    raise CaffeError("layer %s: type %s is not handled" % (layer.name, t))
