#!/usr/bin/python3
"""Compare every layer output of `caffenet run --dump-all DIR` with OpenCV DNN (an independent engine).

Usage:
  crosscheck-opencv.py --model NET.prototxt --weights W.caffemodel --input NAME=FILE.npy [...]
                       --ours DIR [--outputs DIR] [--tol 1e-4]

--outputs DIR takes the net outputs of `caffenet run --output DIR` (the fused fast path, which
--dump-all does not take) and holds each to the same rule against the OpenCV layer that last
writes that blob.

OpenCV runs the same prototxt and weights with layer fusion off. Data layers (MemoryData, Data,
...) are replaced by an Input layer of the same tops and shape, and loss layers are removed, since
OpenCV builds neither; layers after a removed loss are not compared. A layer passes when
max|ours - theirs| <= tol * max(1, max|theirs|). A layer whose OpenCV output holds inf or NaN (pure
filler weights overflow float32 deep in MobileNetV2) is counted as overflowed and not compared.
DetectionOutput's rows are sorted (image, label, score descending, box) in both, and OpenCV's zero
rows (it pads to keep_top_k per image) left out. --phase and --stage select layers as for caffenet
(OpenCV itself keeps every layer whatever its include rules). A repeated layer name is paired with
OpenCV's renamed layer (NAME_1, NAME_2, ...). With --float64, layers OpenCV does not run (losses,
accuracies) are held to the rule against float64 alone, on both paths.
Exit status 1 when any layer fails.
"""
import argparse
import json
import os
import re
import sys
import tempfile

import cv2
import numpy as np

DATA_LAYERS = {"MemoryData", "Data", "ImageData", "HDF5Data", "DummyData", "WindowData", "AnnotatedData", "DenseImageData"}
SKIPPED_LAYERS = {"SoftmaxWithLoss", "Accuracy", "EuclideanLoss", "SigmoidCrossEntropyLoss", "Silence",
                  "ContrastiveLoss", "YoloDetectionOutput", "Yolov3DetectionOutput"}


def nearest_upsample(block):
    """MobileNet-YOLO's Upsample (nearest, by scale), which OpenCV lacks, as Reshape and Concat
    layers OpenCV has: each pixel repeated along a new last axis, then each row along a new axis
    before the width; the last layer keeps the Upsample's name and top."""
    name, bottom = field(block, "name"), field(block, "bottom")
    top = re.findall(r'\btop\s*:\s*"([^"]+)"', block)[0]
    s = int(field(block, "scale") or 1)
    part = lambda n: "%s__%s" % (name, n)
    layer = lambda n, t, b, params: 'layer {\n  name: "%s"\n  type: "%s"\n%s  top: "%s"\n  %s\n}\n' % (
        n, t, "".join('  bottom: "%s"\n' % x for x in b), n if n != name else top, params)
    return "".join([
        layer(part("a"), "Reshape", [bottom], "reshape_param { shape { dim: -1 dim: 1 } axis: 3 num_axes: 1 }"),
        layer(part("b"), "Concat", [part("a")] * s, "concat_param { axis: 4 }"),
        layer(part("c"), "Reshape", [part("b")], "reshape_param { shape { dim: 1 dim: -1 } axis: 3 num_axes: 2 }"),
        layer(part("d"), "Concat", [part("c")] * s, "concat_param { axis: 3 }"),
        layer(name, "Reshape", [part("d")], "reshape_param { shape { dim: -1 } axis: 2 num_axes: 2 }"),
    ])


def for_opencv(block, ltype):
    """Fork layers OpenCV runs under other spellings: ShuffleChannel reads `group` from any
    parameter message (OpenCV's schema lacks shuffle_channel_param); a one-bottom Upsample becomes
    nearest_upsample's layers. OpenCV 4.6 builds Axpy as scale * bottom 2 + bottom 1, where
    SENet's layer computes scale * bottom 1 + bottom 2 (its axpy_layer.cpp), so those two swap."""
    if ltype == "Axpy":
        bottoms = list(re.finditer(r'\bbottom\s*:\s*"[^"]*"', block))
        if len(bottoms) == 3:
            b1, b2 = bottoms[1], bottoms[2]
            return block[:b1.start()] + b2.group(0) + block[b1.end():b2.start()] + b1.group(0) + block[b2.end():]
    if ltype == "DepthwiseConvolution":
        # MobileNet-YOLO's name for a grouped Convolution, which OpenCV does not know.
        return re.sub(r'\btype\s*:\s*"DepthwiseConvolution"', 'type: "Convolution"', block)
    if ltype == "ShuffleChannel":
        return block.replace("shuffle_channel_param", "convolution_param")
    if ltype == "Upsample" and len(re.findall(r'\bbottom\s*:', block)) == 1:
        return nearest_upsample(block)
    return block


def split_layers(text):
    """Split prototxt text into (prefix, [layer blocks]) at top-level `layer {` blocks."""
    blocks, prefix, i = [], None, 0
    for m in re.finditer(r"(?m)^\s*layers?\s*\{", text):
        if m.start() < i:
            continue
        if prefix is None:
            prefix = text[: m.start()]
        depth, j = 0, m.end() - 1
        while True:
            c = text[j]
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    break
            elif c == "#":
                j = text.index("\n", j) - 1
            j += 1
        blocks.append(text[m.start(): j + 1])
        i = j + 1
    return (prefix if prefix is not None else text), blocks


def field(block, name):
    m = re.search(r'\b%s\s*:\s*"?([^"\s]+)"?' % name, block)
    return m.group(1) if m else None


def in_state(block, phase, stages):
    """Caffe's NetStateRule test (level 0): a layer with include rules is kept when one of them is
    met, else it is kept unless an exclude rule is met. OpenCV keeps every layer whatever its rules."""
    def met(rule):
        p = field(rule, "phase")
        if p is not None and p != phase:
            return False
        if any(s not in stages for s in re.findall(r'\bstage\s*:\s*"([^"]*)"', rule)):
            return False
        if any(s in stages for s in re.findall(r'\bnot_stage\s*:\s*"([^"]*)"', rule)):
            return False
        lo, hi = field(rule, "min_level"), field(rule, "max_level")
        return (lo is None or int(lo) <= 0) and (hi is None or int(hi) >= 0)
    includes = re.findall(r"\binclude\s*\{([^}]*)\}", block)
    if includes:
        return any(met(r) for r in includes)
    return not any(met(r) for r in re.findall(r"\bexclude\s*\{([^}]*)\}", block))


def opencv_ready(model, inputs, phase="TEST", stages=()):
    """Write a copy of the prototxt OpenCV can build (the layers of the net state phase, stages);
    return its path and the layers removed."""
    text = open(model).read()
    prefix, blocks = split_layers(text)
    blocks = [b for b in blocks if in_state(b, phase, stages)]
    # Inputs only removed layers read (a label) are left out: OpenCV would refuse a 1-D label.
    used = {x for b in blocks if field(b, "type") not in SKIPPED_LAYERS for x in re.findall(r'\bbottom\s*:\s*"([^"]+)"', b)}
    kept, removed = [], []
    for b in blocks:
        ltype = field(b, "type")
        # A Python layer without bottoms is a data layer (FCN's VOC reader).
        if ltype in DATA_LAYERS or ltype == "Python" and not re.search(r'\bbottom\s*:', b):
            tops = re.findall(r'\btop\s*:\s*"([^"]+)"', b)
            shapes = ""
            for t in tops:
                if t not in inputs or t not in used:
                    continue
                dims = " ".join("dim: %d" % d for d in inputs[t].shape)
                shapes += "    shape { %s }\n" % dims
            tops = [t for t in tops if t in inputs and t in used]
            kept.append('layer {\n  name: "%s"\n  type: "Input"\n%s  input_param {\n%s  }\n}\n' % (
                field(b, "name"), "".join('  top: "%s"\n' % t for t in tops), shapes))
            continue
        if ltype in SKIPPED_LAYERS:
            removed.append(field(b, "name"))
            continue
        kept.append(for_opencv(b, ltype))
    fd, path = tempfile.mkstemp(suffix=".prototxt")
    with os.fdopen(fd, "w") as f:
        f.write(prefix + "\n".join(kept))
    return path, removed


def net_layers(model, phase, stages):
    """(name as OpenCV names it, name, tops) of each layer in the net state, in order. OpenCV
    renames the k-th repeat of a layer name NAME_k (MobileNetV2-SSDLite has ten layers "slice")."""
    _, blocks = split_layers(open(model).read())
    seen, skipped, result = {}, {}, []
    for b in blocks:
        if not in_state(b, phase, stages):
            continue
        name = field(b, "name")
        if field(b, "type") in SKIPPED_LAYERS:
            # Not given to OpenCV, so not counted in its numbering of repeated names; a repeat
            # (MNIST autoencoder's two losses named "loss") is told apart as NAME#k.
            k = skipped.get(name, 0)
            skipped[name] = k + 1
            key = name if k == 0 and name not in seen else "%s#%d" % (name, k + 1)
            result.append((key, name, re.findall(r'\btop\s*:\s*"([^"]+)"', b), field(b, "type")))
            continue
        k = seen.get(name, 0)
        seen[name] = k + 1
        result.append((name if k == 0 else "%s_%d" % (name, k), name, re.findall(r'\btop\s*:\s*"([^"]+)"', b),
                       field(b, "type")))
    return result


def number(index, layers):
    """Give each entry of caffenet's index.json its top's index in its layer and, for a repeated
    layer name, OpenCV's name for it (the original kept as "name", which repeat as "instance")."""
    queue, seen = {}, {}
    for cv_name, name, tops, _ in layers:
        k = seen.get(name, 0)
        seen[name] = k + 1  # the k-th layer of this name, for float64_eval
        queue.setdefault(name, []).append((cv_name, k, tops, set()))
    for e in index:
        e["name"] = e["layer"]
        instances = queue.get(e["layer"], [])
        # caffenet lists a layer's tops one after another, layers in order: a top not in this
        # instance, or seen in it already, belongs to the next one.
        while len(instances) > 1 and (e.get("top") not in instances[0][2] or e.get("top") in instances[0][3]):
            instances.pop(0)
        if not instances:
            e.setdefault("top_index", 0)
            continue
        cv_name, k, tops, used = instances[0]
        used.add(e.get("top"))
        e["layer"], e["instance"] = cv_name, k
        e.setdefault("top_index", tops.index(e["top"]) if e.get("top") in tops else 0)
    return index


def fused_outputs(model, directory, names, layers):
    """Index entries for the .npy files of `caffenet run --output`: each blob's last writer in OpenCV's net."""
    writer = {}
    for cv_name, name, tops, ltype in layers:
        if cv_name in names:
            for i, top in enumerate(tops):
                # caffenet writes a blob to a file name with characters outside [A-Za-z0-9._-] as _
                writer[re.sub(r"[^A-Za-z0-9._-]", "_", top)] = (cv_name, name, i, ltype)
    entries = []
    for file in sorted(os.listdir(directory)):
        blob = file[:-len(".npy")]
        if file.endswith(".npy") and blob in writer:
            layer, name, top, ltype = writer[blob]
            # "fused": compared as its layer type is (DetectionOutput's rows sorted), labelled apart.
            entries.append({"layer": layer, "name": name, "top_index": top, "type": ltype, "fused": True,
                            "file": os.path.join(os.path.abspath(directory), file)})
    print("fused path: %d net output(s) to compare (%s)" % (len(entries), ", ".join(e["layer"] for e in entries) or
                                                          "the outputs are losses or accuracies, which OpenCV does not run"))
    return entries


def read_inputs(specs):
    """NAME=FILE.npy arguments as a dict of float32 arrays."""
    inputs = {}
    for spec in specs:
        name, path = spec.split("=", 1)
        inputs[name] = np.load(path).astype(np.float32)
    return inputs


def load_net(model, weights, inputs, phase="TEST", stages=()):
    """The net in OpenCV DNN, unfused so that every layer's output exists, with its inputs set;
    and the layers opencv_ready removed."""
    proto, removed = opencv_ready(model, inputs, phase, stages)
    try:
        given = set(re.findall(r'\btop\s*:\s*"([^"]+)"', "".join(
            b for b in split_layers(open(proto).read())[1] if field(b, "type") == "Input")))
        given |= set(re.findall(r'^\s*input\s*:\s*"([^"]+)"', open(proto).read(), re.M))
        net = cv2.dnn.readNetFromCaffe(proto, weights)
    finally:
        os.unlink(proto)
    net.enableFusion(False)
    net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    for name, value in inputs.items():
        if name in given:
            net.setInput(value, name)
    return net, removed


def error_and_scale(ours, theirs):
    """The agreement rule's terms: max|ours - theirs| and max(1, max|theirs|); the rule is
    error <= tol * scale."""
    err = float(np.max(np.abs(ours - theirs))) if ours.size else 0.0
    scale = max(1.0, float(np.max(np.abs(theirs))) if theirs.size else 0.0)
    return err, scale


def opencv_outputs(net, entries):
    """OpenCV's value for each entry. net.forward(names) gives each layer's first output only, and
    when many layers are asked for at once OpenCV may reuse the memory of outputs 1 and up, so a
    layer's other outputs are fetched one layer at a time (forwardAndRetrieve gives them all)."""
    seen = {}
    for e in entries:
        if "top_index" not in e:
            e["top_index"] = seen.get(e["layer"], 0)
            seen[e["layer"]] = e["top_index"] + 1
    firsts = [e["layer"] for e in entries if e["top_index"] == 0]
    values = dict(zip(firsts, net.forward(firsts))) if firsts else {}
    result = []
    for e in entries:
        if e["top_index"] == 0:
            result.append(values[e["layer"]])
        else:
            result.append(net.forwardAndRetrieve([e["layer"]])[0][e["top_index"]])
    return result


def float64_truth(args, index):
    """Every layer's float64 value (tools/float64_eval.py), as far as its rules reach."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import float64_eval
    inputs = {name: np.load(path) for name, path in (s.split("=", 1) for s in args.input)}
    truth, stopped = float64_eval.evaluate(args.model, args.weights, inputs, index, args.phase.upper())
    if stopped is not None:
        print("float64: %s; it and the layers that depend on it are held to the OpenCV rule" % stopped)
    return truth


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--weights", required=True)
    ap.add_argument("--input", action="append", default=[])
    ap.add_argument("--ours", required=True)
    ap.add_argument("--outputs", help="net outputs written by `caffenet run --output DIR` (fused path)")
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--phase", default="test", choices=["test", "train"], help="the net state's phase, as given to caffenet run")
    ap.add_argument("--stage", action="append", default=[], help="a stage of the net state (repeatable), as given to caffenet run")
    ap.add_argument("--verbose", action="store_true", help="print every layer, not only failures")
    ap.add_argument("--float64", action="store_true",
                    help="judge both engines against a float64 evaluation (tools/float64_eval.py): a layer passes when "
                         "ours vs float64 <= max(tol, OpenCV vs float64), relative to max(1, max|float64|)")
    ap.add_argument("--float64-only", action="store_true",
                    help="for a net OpenCV cannot build (SegNet's BN and unpooling): hold every layer to the "
                         "rule against tools/float64_eval.py alone, max|ours - float64| <= tol * max(1, max|float64|)")
    args = ap.parse_args()
    if args.float64_only:
        return against_float64_only(args)

    net, removed = load_net(args.model, args.weights, read_inputs(args.input), args.phase.upper(), args.stage)

    layers = net_layers(args.model, args.phase.upper(), args.stage)
    index = number(json.load(open(os.path.join(args.ours, "index.json")))["layers"], layers)
    names = set(net.getLayerNames())
    ours = {e["layer"] for e in index}
    for e in index:
        # OpenCV names a layer after its top when another layer's top has the layer's name
        # (SSDLite's "Conv" writes "Conv/pad"; a Slice after it writes "Conv").
        if e["layer"] not in names and e.get("top") in names and e["top"] not in ours:
            e["layer"] = e["top"]
    if args.outputs:
        # With --float64, outputs OpenCV does not run (losses) are compared with float64 too.
        index += fused_outputs(args.model, args.outputs, names | ({e["layer"] for e in index} if args.float64 else set()), layers)
    compared = [e for e in index if e["layer"] in names]
    theirs = opencv_outputs(net, compared)
    truth = float64_truth(args, index) if args.float64 else None

    failures, worst, overflowed = 0, 0.0, []
    worst_cv, judged = 0.0, 0
    for entry, ref in zip(compared, theirs):
        label = entry["layer"] + (" top %d" % entry["top_index"] if entry["top_index"] else "") + \
            (" (fused path)" if entry.get("fused") else "")
        ours = np.load(os.path.join(args.ours, entry["file"]))
        if entry["type"] == "DetectionOutput":
            # OpenCV pads its rows with zeros up to keep_top_k per image; caffenet gives the rows found.
            # Both in one order (image, label, score descending, box), as the engines order rows differently.
            def ordered(rows):
                rows = rows.reshape(-1, 7)
                rows = rows[np.lexsort([rows[:, 6], rows[:, 5], rows[:, 4], rows[:, 3], -rows[:, 2], rows[:, 1], rows[:, 0]])]
                return rows.reshape((1, 1) + rows.shape)
            ref = ref.reshape(-1, 7)
            ref = ordered(ref[np.any(ref != 0, axis=1)])
            ours = ordered(ours)
        if ours.size != ref.size:
            print("FAIL %-40s shape ours %s theirs %s" % (label, ours.shape, ref.shape))
            failures += 1
            continue
        ref = ref.reshape(ours.shape)
        if not np.all(np.isfinite(ref)):
            # Pure filler weights make activations grow until they overflow float32. Near the
            # overflow edge the rule's scale (the largest finite value) no longer describes the
            # inherited error, so such a layer is reported and not held to the rule.
            overflowed.append(entry["layer"])
            continue
        exact = truth.get((entry["layer"], entry["top_index"])) if truth is not None else None
        if exact is not None:
            exact = exact.reshape(ours.shape)
            ours_err, scale = error_and_scale(ours, exact)
            cv_err, _ = error_and_scale(ref.astype(np.float64), exact)
            bound = max(args.tol * scale, cv_err)
            worst = max(worst, ours_err / scale)
            worst_cv = max(worst_cv, cv_err / scale)
            judged += 1
            ok = ours_err <= bound
            failures += 0 if ok else 1
            if args.verbose or not ok:
                print("%s %-40s %-12s vs float64: ours %.3g  OpenCV %.3g  (scale %.3g)" % (
                    "ok  " if ok else "FAIL", label, entry["type"], ours_err / scale, cv_err / scale, scale))
            continue
        err, scale = error_and_scale(ours, ref)
        bound = args.tol * scale
        worst = max(worst, err / scale)
        ok = err <= bound
        failures += 0 if ok else 1
        if args.verbose or not ok:
            print("%s %-40s %-12s max|diff| %.3g  bound %.3g" % ("ok  " if ok else "FAIL", label,
                                                                  entry["type"], err, bound))
    # Layers OpenCV does not run (losses, accuracies) are held to float64 alone where it reaches them.
    alone, skipped = 0, []
    for entry in index:
        if entry["layer"] in names:
            continue
        exact = truth.get((entry["layer"], entry["top_index"])) if truth is not None else None
        if exact is None:
            skipped.append(entry["layer"])
            continue
        label = entry["layer"] + (" top %d" % entry["top_index"] if entry["top_index"] else "") + \
            (" (fused path)" if entry.get("fused") else "")
        ours = np.load(os.path.join(args.ours, entry["file"]))
        if ours.size != exact.size:
            print("FAIL %-40s shape ours %s float64 %s" % (label, ours.shape, exact.shape))
            failures += 1
            continue
        err, scale = error_and_scale(ours.astype(np.float64), exact.reshape(ours.shape))
        worst = max(worst, err / scale)
        alone += 1
        ok = err <= args.tol * scale
        failures += 0 if ok else 1
        if args.verbose or not ok:
            print("%s %-40s %-12s not in OpenCV; vs float64 %.3g (scale %.3g)" % (
                "ok  " if ok else "FAIL", label, entry["type"], err / scale, scale))
    if truth is not None:
        print("against float64: %d layers judged, worst error/scale ours %.3g, OpenCV %.3g; %d more OpenCV does not run"
              % (judged, worst, worst_cv, alone))
    print("compared %d layers, %d failed, worst error/scale %.3g; overflowed in OpenCV (not compared): %d%s; "
          "not in OpenCV's net: %d (%s); removed: %s"
          % (len(compared) - len(overflowed) + alone, failures, worst, len(overflowed),
             " from " + overflowed[0] if overflowed else "", len(skipped), ", ".join(skipped[:8]), ", ".join(removed)))
    return 1 if failures or len(compared) == len(overflowed) else 0


def against_float64_only(args):
    layers = net_layers(args.model, args.phase.upper(), args.stage)
    index = number(json.load(open(os.path.join(args.ours, "index.json")))["layers"], layers)
    if args.outputs:
        index += fused_outputs(args.model, args.outputs, {e["layer"] for e in index}, layers)
    truth = float64_truth(args, index)
    failures, worst, judged, seen = 0, 0.0, 0, {}
    for entry in index:
        if "top_index" not in entry:
            entry["top_index"] = seen.get(entry["layer"], 0)
            seen[entry["layer"]] = entry["top_index"] + 1
        exact = truth.get((entry["layer"], entry["top_index"]))
        if exact is None:
            continue
        ours = np.load(os.path.join(args.ours, entry["file"]))
        label = entry["layer"] + (" top %d" % entry["top_index"] if entry["top_index"] else "") + \
            (" (fused path)" if entry.get("fused") else "")
        if ours.size != exact.size:
            print("FAIL %-40s shape ours %s float64 %s" % (label, ours.shape, exact.shape))
            failures += 1
            continue
        err, scale = error_and_scale(ours.astype(np.float64), exact.reshape(ours.shape))
        worst = max(worst, err / scale)
        judged += 1
        ok = err <= args.tol * scale
        failures += 0 if ok else 1
        if args.verbose or not ok:
            print("%s %-40s %-12s vs float64 %.3g (scale %.3g)" % ("ok  " if ok else "FAIL", label, entry["type"], err / scale, scale))
    print("against float64 only: %d of %d outputs judged, %d failed, worst error/scale %.3g" % (judged, len(index), failures, worst))
    return 1 if failures or not judged else 0


if __name__ == "__main__":
    sys.exit(main())
