#!/usr/bin/python3
"""Where the time goes, ours beside ONNX Runtime's, per layer group.

Usage: tools/profile-compare.py MODEL.prototxt OURS.json ORT-PROFILE.json

OURS.json is `caffenet bench MODEL --per-layer --json` (median ms per running node, fused anchors
standing for what they absorbed). ORT-PROFILE.json is `ortbench MODEL.onnx --profile FILE` on the
ONNX file tools/caffe2onnx.py wrote from the same prototxt: ONNX Runtime's own trace, one event per
node and run; each node counts with its median over the runs, warm-up runs included (the median is
not moved by them when the timed runs outnumber them). With PER_LAYER=1 in the environment, a
line per Caffe layer comes first.

Both sides are mapped back to the Caffe layer that writes a blob first (a convolution with the
batch norm, scale, ReLU and shortcut folded into it counts as that convolution), and that layer's
group is its kind: the first convolution, depthwise, 1x1 expand (more outputs than inputs), 1x1
reduce, other KxK convolutions, pooling, eltwise, inner product, and the rest. ONNX Runtime's layout
reorders (its NCHWc "ReorderInput/Output" nodes) are a group of their own. A depthwise
convolution we ran band by band inside the 1x1 expansion before it (no line of its own in OURS.json)
goes with that expansion, on both sides, to the group "expand + dw".
"""
import json
import os
import re
import statistics
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import caffeproto  # noqa: E402

GROUPS = ["first conv", "depthwise", "1x1 expand", "1x1 reduce", "expand + dw", "KxK conv", "pooling", "eltwise",
          "inner product", "layout reorder", "other"]


def classify(net):
    """Group of every layer by name, and the first writer of every blob."""
    layers = caffeproto.test_layers(net)
    _, bottoms = caffeproto.infer_shapes(net, layers)
    inputs = {name for name, _ in caffeproto.net_inputs(net, layers)}
    group, writer, reads = {}, {}, {}
    for layer in layers:
        for top in layer.top:
            writer.setdefault(top, layer.name)
        group[layer.name] = kind(layer, bottoms[layer.name], inputs)
        reads[layer.name] = list(layer.bottom)
    return group, writer, reads


def regroup_chained(group, writer, reads, ran):
    """Moves each depthwise layer we ran inside the expansion before it, and that expansion, to "expand + dw"."""
    for name, g in list(group.items()):
        if g == "depthwise" and name not in ran and reads[name] and writer.get(reads[name][0]) in ran:
            group[name] = group[writer[reads[name][0]]] = "expand + dw"


def kind(layer, ins, inputs):
    t = layer.type
    if t in ("Convolution", "DepthwiseConvolution"):
        p = layer.convolution_param
        channels = ins[0][1]
        if layer.bottom[0] in inputs:
            return "first conv"
        if t == "DepthwiseConvolution" or (p.group > 1 and p.group == channels == p.num_output):
            return "depthwise"
        kernel, _, _, _ = caffeproto.conv_geometry(p)
        if kernel == [1, 1]:
            return "1x1 expand" if p.num_output > channels else "1x1 reduce"
        return "KxK conv"
    return {"Pooling": "pooling", "Eltwise": "eltwise", "InnerProduct": "inner product"}.get(t, "other")


def ours(report, group):
    totals, layers = defaultdict(float), defaultdict(float)
    for layer in report["layers"]:
        totals[group.get(layer["name"], "other")] += layer["ms"]
        layers[layer["name"]] += layer["ms"]
    return totals, layers, report["ms"]["median"]


def ort(path, group, writer):
    """Median ms per node, summed by the group of the Caffe layer that wrote the node's output."""
    with open(path) as f:
        events = json.load(f)
    times = defaultdict(list)
    ops = {}
    for e in events:
        if e.get("cat") == "Node" and e["name"].endswith("_kernel_time"):
            name = e["name"][: -len("_kernel_time")]
            times[name].append(e["dur"] / 1000.0)
            ops[name] = e.get("args", {}).get("op_name", "")
    totals, layers = defaultdict(float), defaultdict(float)
    for name, ms in times.items():
        layer = ort_layer(name, ops[name], writer)
        group_name = "layout reorder" if layer == REORDER else group.get(layer, "other")
        totals[group_name] += statistics.median(ms)
        layers[layer or "other"] += statistics.median(ms)
    runs = [e["dur"] / 1000.0 for e in events if e.get("cat") == "Session" and e["name"] == "model_run"]
    return totals, layers, statistics.median(runs) if runs else sum(totals.values())


REORDER = "(layout reorder)"


def ort_layer(name, op, writer):
    """The Caffe layer that wrote a node's output, REORDER for ORT's own reorders, else None."""
    if op.startswith("Reorder"):
        return REORDER
    # caffe2onnx names a node after the ONNX value it writes: the blob, or "blob/layer" for an
    # in-place layer; ONNX Runtime's rewrites add suffixes such as "_nchwc" to it.
    for suffix in ("_nchwc", "_fused"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    # Blob names may hold "/" themselves (fire2/expand1x1), and a repeated name gets "_N": try the
    # longest prefix that is a blob.
    parts = name.split("/")
    for i in range(len(parts), 0, -1):
        prefix = "/".join(parts[:i])
        for blob in (prefix, re.sub(r"_\d+$", "", prefix)):
            if blob in writer:
                return writer[blob]
    return None


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    net = caffeproto.read_net(sys.argv[1])
    group, writer, reads = classify(net)
    with open(sys.argv[2]) as f:
        report = json.load(f)
    regroup_chained(group, writer, reads, {layer["name"] for layer in report["layers"]})
    mine, my_layers, my_total = ours(report, group)
    theirs, their_layers, their_total = ort(sys.argv[3], group, writer)
    if os.environ.get("PER_LAYER"):
        print("%-24s %-16s %10s %10s %7s" % ("layer", "group", "ours ms", "ORT ms", "ratio"))
        for name in list(my_layers) + [n for n in their_layers if n not in my_layers]:
            a, b = my_layers.get(name, 0.0), their_layers.get(name, 0.0)
            group_name = "layout reorder" if name == REORDER else group.get(name, "other")
            print("%-24s %-16s %10.3f %10.3f %7s" % (name, group_name, a, b, "%.2f" % (a / b) if b else "-"))
        print()
    print("%-16s %10s %10s %7s" % ("group", "ours ms", "ORT ms", "ratio"))
    for g in GROUPS:
        a, b = mine.get(g, 0.0), theirs.get(g, 0.0)
        if a or b:
            print("%-16s %10.3f %10.3f %7s" % (g, a, b, "%.2f" % (a / b) if b else "-"))
    print("%-16s %10.3f %10.3f %7.2f" % ("sum of nodes", sum(mine.values()), sum(theirs.values()),
                                         sum(mine.values()) / max(sum(theirs.values()), 1e-9)))
    print("%-16s %10.3f %10.3f %7.2f" % ("whole forward", my_total, their_total, my_total / their_total))


if __name__ == "__main__":
    main()
