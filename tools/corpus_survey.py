#!/usr/bin/python3
"""Issue 12's corpus survey: every .prototxt of a corpus tried as a user would, then compared with
OpenCV DNN layer by layer (tools/crosscheck-opencv.py). Run it through tools/corpus-survey.sh.

For each prototxt: `caffenet dump` (TEST phase; stages and input shapes from NETS below); the
weights are the folder's .caffemodel if it has one, else `caffenet init --calibrate --filler msra`
(BatchNorms calibrated on one seeded input; convolutions and inner products the prototxt gives no
weight_filler get MSRA ones, so that comparisons are not trivially all-zero); `caffenet run` on
another seeded input twice, on the reference kernels with every layer written (--dump-all) and on
the fused fast path (--output, the net outputs); then crosscheck-opencv.py, with the float64 judge
for deep nets (ours vs float64 <= max(1e-4, OpenCV vs float64) on every layer), and against
float64 alone where OpenCV cannot build the net. One row per prototxt, printed and written as a
markdown table. Results are cached by content (prototxt, weights, settings, caffenet.dll and the
check scripts), so a re-run redoes only what changed.
"""
import argparse
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

TOOLS = os.path.dirname(os.path.abspath(__file__))

# Per-prototxt settings (path relative to the corpus). input: shapes replacing the prototxt's
# (batch 1 throughout; sizes a data layer leaves to its database; smaller sizes for nets whose
# layers allow them); stage: --stage; judge: "float64" (deep nets: both engines against a float64
# evaluation), "float64-only" (OpenCV cannot build the net); phase; note: said in the table.
NETS = {
    "alexnet-bvlc/train_val.prototxt": {"input": {"data": [1, 3, 227, 227], "label": [1]}},
    "bayesiansegnet-kendall-basic/bayesian_segnet_basic_inference.prototxt": {
        "input": {"data": [1, 3, 24, 32], "label": [1, 1, 24, 32]}, "judge": "float64-only",
        "note": "24x32 input (its unpooling sizes fit 360x480 and 24x32); OpenCV has no BN nor mask unpooling"},
    "bayesiansegnet-kendall-basic/bayesian_segnet_basic_train.prototxt": {
        "input": {"data": [1, 3, 24, 32], "label": [1, 1, 24, 32]}, "judge": "float64-only",
        "note": "24x32 input; OpenCV has no BN nor mask unpooling"},
    "cifar10full-bvlc/cifar10_full_train_test.prototxt": {"input": {"data": [1, 3, 32, 32], "label": [1]}},
    "densenet121-shicai/DenseNet_121.prototxt": {"judge": "float64"},
    "fcn8s-shelhamer-voc/deploy.prototxt": {"input": {"data": [1, 3, 64, 64]},
                                            "note": "64x64 input (the prototxt's 500x500 is a placeholder)"},
    "fcn8s-shelhamer-voc/train.prototxt": {"input": {"data": [1, 3, 64, 64], "label": [1, 1, 64, 64]},
                                           "note": "Python data layer as inputs, 64x64"},
    "fcn8s-shelhamer-voc/val.prototxt": {"input": {"data": [1, 3, 64, 64], "label": [1, 1, 64, 64]},
                                         "note": "Python data layer as inputs, 64x64"},
    "googlenet-bvlc/deploy.prototxt": {"judge": "float64"},
    "googlenet-bvlc/train_val.prototxt": {"input": {"data": [1, 3, 224, 224], "label": [1]}},
    "inceptionresnetv2-soeaver/deploy_inception-resnet-v2.prototxt": {"judge": "float64"},
    "inceptionv3-soeaver/deploy_inception-v3.prototxt": {"judge": "float64"},
    "lenet-bvlc/lenet_train_test.prototxt": {"input": {"data": [1, 1, 28, 28], "label": [1]}},
    "mnistautoencoder-bvlc/mnist_autoencoder.prototxt": {"input": {"data": [1, 1, 28, 28]},
                                                         "stage": ["test-on-test"]},
    "faceres10ssd-opencv-deploy/deploy.prototxt": {"judge": "float64"},
    "mobilenetssd-chuanqi305/deploy.prototxt": {"judge": "float64", "calibration_batch": 4},
    "mobilenetv2ssdlite-chuanqi305-voc-deploy/deploy.prototxt": {"judge": "float64", "calibration_batch": 4},
    "mobilenetssd-chuanqi305/train.prototxt": {
        "input": {"data": [1, 3, 300, 300], "label": [1, 1, 2, 8]}, "phase": "train", "calibration_batch": 4,
        "judge": "float64", "drop_types": ["MultiBoxLoss"],
        "note": "exception: no TEST net (its one data layer is TRAIN-only; Caffe cannot build it in TEST either); "
                "TRAIN phase, checked without MultiBoxLoss (training loss on ground-truth boxes, refused by name)"},
    "mobilenetv2-farmingyard-deploy/mobilenet_v2_deploy.prototxt": {
        "input": {"label": [1]}, "note": "deploy net ending in SoftmaxWithLoss over a 'label' nothing writes "
                                         "(Caffe and OpenCV refuse it): --input label=1 makes it an input"},
    "openpose-cmu-body25/pose_deploy.prototxt": {"input": {"image": [1, 3, 128, 128]}, "judge": "float64",
                                                 "note": "128x128 input (the prototxt's 16x16 is a placeholder)"},
    "resnet152-kaiminghe-deploy/ResNet-152-deploy.prototxt": {"judge": "float64"},
    "resnet50-kaiminghe-deploy/ResNet-50-deploy.prototxt": {"judge": "float64"},
    "seresnet50-hujiefrank/SE-ResNet-50.prototxt": {"judge": "float64"},
    "squeezenet-forresti-v1.1/train_val.prototxt": {"input": {"data": [1, 3, 227, 227], "label": [1]}},
    "vgg16-davidgengenbach-deploy/VGG_ILSVRC_16_layers_deploy.prototxt": {"judge": "float64"},
    "yolov3-eric612-darknet/yolov3.prototxt": {"input": {"data": [1, 3, 160, 160]}, "judge": "float64",
                                               "note": "160x160 input"},
}
LABELS = {"label"}
TIMEOUT = 3600


class Step(Exception):
    """A step that failed: its message goes into the table."""


def sha(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else str(p).encode())
        h.update(b"\0")
    return h.hexdigest()[:24]


def file_sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def first_error(text):
    lines = [l.strip() for l in text.strip().splitlines() if l.strip()]
    for l in reversed(lines):
        if "error" in l.lower() or l.startswith("caffenet"):
            return l[:300]
    return lines[-1][:300] if lines else "(no message)"


class Survey:
    def __init__(self, args):
        self.args = args
        self.dll = os.path.abspath(args.dll)
        self.corpus = os.path.abspath(args.corpus)
        self.cache = os.path.abspath(args.cache)
        os.makedirs(os.path.join(self.cache, "runs"), exist_ok=True)
        core = os.path.join(os.path.dirname(self.dll), "CaffeNet.Core.dll")
        self.run_tools = sha(file_sha(self.dll), file_sha(core))
        scripts = ["crosscheck-opencv.py", "float64_eval.py", "caffeproto.py", "crosscheck-yolo.py"]
        self.check_tools = sha(*(file_sha(os.path.join(TOOLS, s)) for s in scripts))

    def caffenet(self, *argv, log=None):
        cmd = ["dotnet", self.dll] + [str(a) for a in argv]
        started = time.time()
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
        if log is not None:
            log.append("$ caffenet %s  (%.0f s, exit %d)\n%s%s" % (" ".join(cmd[2:]), time.time() - started,
                                                                   p.returncode, p.stdout[-3000:], p.stderr[-3000:]))
        return p

    def survey(self, rel):
        """The row for one prototxt. Two caches: caffenet's work (dump, weights, both runs; keyed by
        caffenet.dll, CaffeNet.Core.dll, the prototxt, the weights and the settings) in runs/KEY/,
        and the cross-check's verdict (that key and the check scripts) in KEY2.json."""
        path = os.path.join(self.corpus, rel)
        folder = os.path.dirname(path)
        conf = NETS.get(rel, {})
        weights = sorted(f for f in os.listdir(folder) if f.endswith(".caffemodel"))
        weights = os.path.join(folder, weights[0]) if weights else None
        settings = json.dumps({k: v for k, v in conf.items() if k != "note"}, sort_keys=True)
        labels = "label files" if re.search(r'"label"', open(path).read()) else ""
        run_key = sha(self.run_tools, file_sha(path), file_sha(weights) if weights else "", settings, labels)
        check_key = sha(run_key, self.check_tools)
        cached = os.path.join(self.cache, check_key + ".json")
        if not self.args.no_cache and os.path.exists(cached):
            with open(cached) as f:
                row = json.load(f)
            row["cached"] = True
        else:
            started = time.time()
            log = []
            row = self.caffenet_steps(rel, path, conf, weights, run_key, log)
            if row.get("ready"):
                try:
                    self.check(path, conf, row, log)
                except subprocess.TimeoutExpired:
                    row["error"] = "cross-check timed out after %d s" % TIMEOUT
                except Exception as e:  # a bug of the survey itself: reported in the row, the rest goes on
                    row["error"] = "survey error: %r" % e
            row["seconds"] = round(time.time() - started)
            row["log"] = os.path.join(self.cache, check_key + ".log")
            with open(row["log"], "w") as f:
                f.write("\n".join(log))
            with open(cached, "w") as f:
                json.dump(row, f)
        row["note"] = conf.get("note", row.get("note", ""))
        if row.get("result"):
            row["opencv"] = describe(row["result"])
        return row

    def caffenet_steps(self, rel, path, conf, weights, run_key, log):
        work = os.path.join(self.cache, "runs", run_key)
        done = os.path.join(work, "row.json")
        if not self.args.no_cache and os.path.exists(done):
            log.append("caffenet's dump, weights and runs cached in " + work)
            with open(done) as f:
                return json.load(f)
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        row = {"path": rel, "dump": "", "run": "", "opencv": "", "weights": "", "work": work}
        try:
            self.steps(path, conf, weights, work, row, log)
            row["ready"] = True
        except Step as e:
            row.setdefault("error", str(e))
        except subprocess.TimeoutExpired as e:
            row["error"] = "timed out after %d s: %s" % (TIMEOUT, " ".join(e.cmd[2:4]))
        if row.get("exception") == "not a net":
            row.pop("ready", None)
        with open(done, "w") as f:
            json.dump(row, f)
        return row

    def steps(self, path, conf, weights, work, row, log):
        if conf.get("drop_types"):
            # A documented exception: a copy of the net without these layers (see its note).
            path = without_layers(path, conf["drop_types"], os.path.join(work, os.path.basename(path)))
        common = []
        for s in conf.get("stage", []):
            common += ["--stage", s]
        if "phase" in conf:
            common += ["--phase", conf["phase"]]
        row["state"] = common
        shapes = conf.get("input", {})
        shape_args = [a for n, s in shapes.items() for a in ("--input", "%s=%s" % (n, ",".join(map(str, s))))]

        # dump
        p = self.caffenet("dump", path, "--json", *common, *shape_args, log=log)
        if p.returncode != 0:
            msg = first_error(p.stderr)
            if "caffe.NetParameter has no field" in msg and re.search(r"^\s*item\s*\{", open(path).read(), re.M):
                row["dump"] = row["run"] = row["opencv"] = "n/a"
                row["note"] = "not a net: an SSD LabelMap (class names), read by DetectionOutput's save_output_param"
                row["exception"] = "not a net"
                raise Step("not a net")
            row["dump"] = "FAIL: " + msg
            raise Step(msg)
        info = json.loads(p.stdout)
        row["dump"] = "ok (%d layers)" % len(info["layers"])
        # Losses and accuracies, which OpenCV does not run, are judged against float64.
        row["losses"] = any(l["type"].endswith("Loss") or l["type"] == "Accuracy" for l in info["layers"])
        inputs = {}
        for i in info["inputs"]:
            shape = shapes.get(i["name"], i["shape"])
            if any(d is None for d in shape):
                raise Step("input %s has no full shape (%s): add it to NETS" % (i["name"], shape))
            if i["name"] not in shapes and shape:
                shape = [1] + list(shape[1:])  # batch 1: the check is per image
            inputs[i["name"]] = shape

        # inputs: seeded uniform [0, 1) data; labels are class numbers from `run --random-input`.
        # The calibration input (another seed) may have a larger batch: a BatchNorm over a 1x1 map
        # calibrated on one image sees no variance, and would amplify any other input 300-fold.
        files, calib, label_args = {}, {}, []
        for n, s in inputs.items():
            f = os.path.join(work, "%s-%%d.npy" % re.sub(r"[^A-Za-z0-9]", "_", n))
            if n in LABELS:
                # Class numbers below the class count of the layer reading them (2 if none does).
                classes = class_count(info, n)
                np.save(f % 7, np.random.RandomState(9).randint(0, classes, s).astype(np.float32))
                files[n] = f % 7
                label_args += ["--input", "%s=%s" % (n, f % 7)]
                continue
            for seed, into, batch in ((7, files, s[0]), (8, calib, conf.get("calibration_batch", s[0]))):
                np.save(f % seed, np.random.RandomState(seed).uniform(0, 1, [batch] + list(s[1:])).astype(np.float32))
                into[n] = f % seed
        row["files"] = files
        in_args = [a for n, f in files.items() for a in ("--input", "%s=%s" % (n, f))]

        # weights
        if weights is None:
            w = os.path.join(work, "init.caffemodel")
            cal = [a for n, f in calib.items() for a in ("--input", "%s=%s" % (n, f))]
            cal += label_args
            p = self.caffenet("init", path, "-o", w, "--seed", "1", "--calibrate", "--filler", "msra", *common, *cal, log=log)
            if p.returncode != 0:
                row["run"] = "FAIL (init): " + first_error(p.stderr)
                raise Step(row["run"])
            row["weights"] = "init --calibrate --filler msra" + (
                " (calibrated at batch %d)" % conf["calibration_batch"] if "calibration_batch" in conf else "")
        else:
            w = weights
            row["weights"] = os.path.basename(weights)
        row["w"] = w

        # run: reference kernels with every layer, then the fused fast path's outputs
        ref, fused = os.path.join(work, "ref"), os.path.join(work, "fused")
        p = self.caffenet("run", path, "--weights", w, *common, *in_args, "--dump-all", ref, log=log)
        if p.returncode != 0:
            msg = first_error(p.stderr)
            row["run"] = "FAIL: " + msg
            if "Python" in msg:
                row["exception"] = "Python layer"
            raise Step(msg)
        p = self.caffenet("run", path, "--weights", w, *common, *in_args, "--output", fused, log=log)
        if p.returncode != 0:
            row["run"] = "FAIL (fused): " + first_error(p.stderr)
            raise Step(row["run"])
        row["run"] = "ok (%s)" % ", ".join("%s %s" % (n, "x".join(map(str, s))) for n, s in inputs.items())
        row["model"] = path
        if re.search(r"^\s*layers\s*\{", open(path).read(), re.M) and conf.get("judge"):
            # float64_eval reads V2 nets: the upgraded copy for it and OpenCV alike.
            row["model"] = os.path.join(work, "upgraded.prototxt")
            self.caffenet("convert", "--upgrade", path, row["model"], log=log)

    def check(self, path, conf, row, log):
        """crosscheck-opencv.py on the runs' outputs; against float64 alone if OpenCV cannot build the net."""
        judge = conf.get("judge", "") or ("float64" if row.get("losses") else "")
        ref, fused = os.path.join(row["work"], "ref"), os.path.join(row["work"], "fused")
        result = self.crosscheck(row["model"], row["w"], row["files"], ref, fused, judge, row["state"], log)
        if result.get("opencv_error") and judge != "float64-only":
            reason = result["opencv_error"]
            result = self.crosscheck(row["model"], row["w"], row["files"], ref, fused, "float64-only", row["state"], log)
            result["cannot"] = reason
        types = {e["type"] for e in json.load(open(os.path.join(ref, "index.json")))["layers"]}
        if types & {"YoloDetectionOutput", "Yolov3DetectionOutput"}:
            result.update(self.yolo(row["model"], ref, fused, log))
            result["ok"] = result["ok"] and result["yolo_ok"]
        row["result"] = {k: v for k, v in result.items() if k != "opencv_error"}
        row["ok"] = result["ok"]

    def yolo(self, model, ref, fused, log):
        """The YOLO fork's detection outputs, which OpenCV lacks: the reference path's against
        tools/crosscheck-yolo.py's numpy decoding of its bottoms, the fused path's rows against the
        reference path's (sorted; the same rows, values to 1e-4 of max(1, the largest))."""
        cmd = ["/usr/bin/python3", os.path.join(TOOLS, "crosscheck-yolo.py"), "--model", model, "--ours", ref]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
        log.append("$ %s  (exit %d)\n%s%s" % (" ".join(cmd[1:]), p.returncode, p.stdout, p.stderr[-3000:]))
        rows = [int(m) for m in re.findall(r"rows ours (\d+)", p.stdout)]
        ok = p.returncode == 0 and bool(rows)
        index = json.load(open(os.path.join(ref, "index.json")))["layers"]
        fused_ok = True
        for e in index:
            if e["type"] in ("YoloDetectionOutput", "Yolov3DetectionOutput"):
                f = os.path.join(fused, re.sub(r"[^A-Za-z0-9._-]", "_", e["top"]) + ".npy")
                a = np.load(os.path.join(ref, e["file"])).reshape(-1, 7)
                b = np.load(f).reshape(-1, 7) if os.path.exists(f) else None
                order = lambda r: r[np.lexsort((r[:, 3], r[:, 4], r[:, 1], -r[:, 2], r[:, 0]))]
                # the rule of the other layers: 1e-4 of max(1, the largest value) (random weights
                # give YOLOv3 boxes tens of images wide)
                same = b is not None and a.shape == b.shape and (
                    a.size == 0 or np.max(np.abs(order(a) - order(b))) <= 1e-4 * max(1.0, float(np.max(np.abs(a)))))
                log.append("fused %s: %s" % (e["top"], "same rows as the reference path" if same else "DIFFERENT rows"))
                fused_ok = fused_ok and same
        return {"yolo_ok": bool(ok and fused_ok), "yolo_rows": rows, "yolo_fused": bool(fused_ok)}

    def crosscheck(self, model, weights, files, ref, fused, judge, state, log):
        cmd = ["/usr/bin/python3", os.path.join(TOOLS, "crosscheck-opencv.py"), "--model", model, "--weights", weights,
               "--ours", ref, "--outputs", fused] + state
        for n, f in files.items():
            cmd += ["--input", "%s=%s" % (n, f)]
        if judge:
            cmd.append("--" + judge)
        started = time.time()
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
        out = p.stdout + p.stderr
        log.append("$ %s  (%.0f s, exit %d)\n%s" % (" ".join(cmd[1:]), time.time() - started, p.returncode, out[-6000:]))
        r = {"judge": judge or "opencv", "ok": p.returncode == 0}
        m = re.search(r"cv2\.error: (.*)", out)
        if m and "compared" not in out:
            r["opencv_error"] = re.sub(r"OpenCV\([\d.]+\) \S+: error: \([^)]*\) ", "", m.group(1))[:200]
            return r
        num = r"([-+0-9.e]+|inf|nan)"
        m = re.search(r"compared (\d+) layers, (\d+) failed, worst error/scale %s;" % num, out)
        if m:
            r.update(compared=int(m.group(1)), failed=int(m.group(2)), worst=float(m.group(3)))
        m = re.search(r"against float64: (\d+) layers judged, worst error/scale ours %s, OpenCV %s" % (num, num), out)
        if m:
            r.update(judged=int(m.group(1)), ours64=float(m.group(2)), opencv64=float(m.group(3)))
        m = re.search(r"against float64 only: (\d+) of (\d+) outputs judged, (\d+) failed, worst error/scale %s" % num, out)
        if m:
            r.update(judged=int(m.group(1)), of=int(m.group(2)), failed=int(m.group(3)), ours64=float(m.group(4)))
        m = re.search(r"fused path: (\d+) net output", out)
        r["fused"] = int(m.group(1)) if m else 0
        m = re.search(r"float64: (layer .*?); it and the layers", out)
        if m:
            r["float64_stopped"] = m.group(1)[:160]
        if not r["ok"]:
            r["failures"] = [l[:160] for l in out.splitlines() if l.startswith("FAIL")][:5]
            if "compared" not in r and "judged" not in r:
                r["failures"] = r.get("failures") or [first_error(out)]
        return r


def class_count(info, label):
    """The classes of the first loss or accuracy layer reading blob `label`: the channels of its
    first bottom (from `caffenet dump --json`); 2 when no such layer reads it."""
    shapes = {}
    for layer in info["layers"]:
        for top, shape in zip(layer["tops"], layer["shapes"]):
            shapes[top] = shape
        if label in layer["bottoms"][1:] and layer["bottoms"][0] in shapes and len(shapes[layer["bottoms"][0]]) > 1:
            return int(shapes[layer["bottoms"][0]][1])
    return 2


def without_layers(path, types, into):
    spec = importlib.util.spec_from_file_location("crosscheck_opencv", os.path.join(TOOLS, "crosscheck-opencv.py"))
    cc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cc)
    prefix, blocks = cc.split_layers(open(path).read())
    with open(into, "w") as f:
        f.write(prefix + "\n".join(b for b in blocks if cc.field(b, "type") not in types))
    return into


def describe(r):
    fused = "; fused outputs %d" % r.get("fused", 0)
    if r["judge"] == "float64-only":
        head = ("OpenCV cannot run: %s; " % r["cannot"]) if r.get("cannot") else "OpenCV cannot run; "
        if "judged" not in r:
            return head + "FAIL: " + "; ".join(r.get("failures", []))
        text = "%svs float64 only: %d/%d outputs judged, %s, worst %.2g%s" % (
            head, r["judged"], r["of"], "ok" if r["ok"] else "%d FAIL" % r["failed"], r["ours64"], fused)
    elif "compared" not in r:
        return "FAIL: " + "; ".join(r.get("failures", []))
    elif r["judge"] == "float64":
        text = "%s: %d layers, judged vs float64 (%d): worst ours %.2g, OpenCV %.2g%s" % (
            "match" if r["ok"] else "FAIL %d" % r["failed"], r["compared"], r.get("judged", 0), r.get("ours64", 0),
            r.get("opencv64", 0), fused)
    else:
        text = "%s: %d layers, worst %.2g%s" % ("match" if r["ok"] else "FAIL %d" % r["failed"], r["compared"], r["worst"], fused)
    if not r["ok"] and r.get("failures"):
        text += " (" + "; ".join(r["failures"][:2]) + ")"
    if "yolo_ok" in r:
        text += "; YOLO output vs numpy decoding: %s (%s rows), fused rows %s" % (
            "ok" if r["yolo_ok"] else "FAIL", "+".join(map(str, r["yolo_rows"])) or "no",
            "same" if r["yolo_fused"] else "DIFFER")
    if r.get("float64_stopped"):
        text += "; float64 skips " + r["float64_stopped"]
    return text


def markdown(rows):
    cell = lambda s: str(s).replace("|", "\\|").replace("\n", " ")
    lines = ["| prototxt | dump | run | OpenCV cross-check | weights | note |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append("| %s |" % " | ".join(cell(r.get(k, "")) for k in ("path", "dump", "run", "opencv", "weights", "note")))
    return "\n".join(lines)


def counts(rows):
    n = len(rows)
    nets = [r for r in rows if r.get("exception") != "not a net"]
    dump = sum(r["dump"].startswith("ok") for r in nets)
    run = sum(r["run"].startswith("ok") for r in nets)
    match = sum(bool(r.get("ok")) for r in nets)
    return ("%d prototxts (%d nets): %d dump, %d run, %d match OpenCV (or float64 where OpenCV cannot run); "
            "exceptions: %s" % (n, len(nets), dump, run, match,
                                ", ".join("%s %s" % (r["path"], r.get("exception") or r.get("error", "")) for r in rows
                                          if not r.get("ok")) or "none"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dll", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--cache", required=True)
    ap.add_argument("--markdown", help="write the table here too")
    ap.add_argument("--only", action="append", default=[], help="prototxts whose path contains this (repeatable)")
    ap.add_argument("--no-cache", action="store_true")
    args = ap.parse_args()
    s = Survey(args)
    rels = sorted(os.path.relpath(os.path.join(d, f), s.corpus) for d, _, fs in os.walk(s.corpus) for f in fs
                  if f.endswith(".prototxt"))
    if args.only:
        rels = [r for r in rels if any(o in r for o in args.only)]
    rows = []
    for rel in rels:
        row = s.survey(rel)
        rows.append(row)
        print("%-75s %-18s %-6s %s%s" % (rel, row["dump"][:18], row["run"][:6], row["opencv"] or row.get("error", ""),
                                       " (cached)" if row.get("cached") else " (%d s)" % row["seconds"]), flush=True)
    table = markdown(rows) + "\n\n" + counts(rows) + "\n"
    print()
    print(table)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(table)
    return 0 if all(r.get("ok") or r.get("exception") for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
