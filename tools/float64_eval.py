"""A float64 evaluation of a Caffe net, layer by layer, written from Caffe's layer semantics with
numpy: the truth both engines are judged against where they disagree (issue 12's rule for deep
nets: ours vs float64 <= max(the 1e-4 rule, OpenCV vs float64) on every layer).

It evaluates the layers `caffenet run --dump-all` lists in its index.json, in that order, from the
V2 prototxt's definitions (upgrade V0/V1 nets first with `caffenet convert --upgrade`) and the
caffemodel's blobs, and returns each layer's outputs. A layer type it does not know is skipped,
with the layers that depend on it; the first such layer is reported (a Float64Error naming it).
"""
import math

import numpy as np

import caffeproto


class Float64Error(Exception):
    pass


def evaluate(model, weights, inputs, index, phase="TEST"):
    """({(layer, top index): float64 array} for the entries of index (caffenet's dump order), and
    None or the Float64Error that stopped the evaluation: layers before it keep their values)."""
    result, skipped = {}, []
    PHASE[0] = phase
    try:
        run(model, weights, inputs, index, result, skipped)
    except Float64Error as e:
        return result, e
    return result, skipped[0] if skipped else None


def run(model, weights, inputs, index, result, skipped):
    net = caffeproto.read_net(model)
    layers = {}
    for l in net.layer:
        layers.setdefault(l.name, []).append(l)
    blobs = {name: [b.astype(np.float64) for b in bs] for name, bs in caffeproto.read_weights(weights).items()}
    values = {name: v.astype(np.float64) for name, v in inputs.items()}
    done = set()
    for entry in index:
        # "layer" is unique (a repeated name numbered as OpenCV does); "name" and "instance" find
        # the definition (crosscheck-opencv.py's number()).
        name = entry["layer"]
        if name in done:
            continue
        done.add(name)
        defs = layers.get(entry.get("name", name), [])
        if len(defs) <= entry.get("instance", 0):
            raise Float64Error("layer %s is not in %s" % (name, model))
        layer = defs[entry.get("instance", 0)]
        rule = RULES.get(layer.type)
        if rule is None or any(b not in values for b in layer.bottom):
            # Unknown here: so are its tops, and what depends on them; the rest goes on.
            if rule is None:
                skipped.append(Float64Error("layer %s: type %s has no float64 rule" % (name, layer.type)))
            for top in layer.top:
                values.pop(top, None)
            continue
        bottoms = [values[b] for b in layer.bottom]
        outputs = rule(layer, bottoms, blobs.get(layer.name, []))
        for i, (top, value) in enumerate(zip(layer.top, outputs)):
            values[top] = value
            result[(name, i)] = value


def pair(p, plain, h, w, default):
    """Caffe's kernel/pad/stride/dilation: the _h/_w fields, else the repeated field (one or two)."""
    if p.HasField(h) or p.HasField(w):
        return getattr(p, h), getattr(p, w)
    values = list(getattr(p, plain))
    if not values:
        return default, default
    return (values[0], values[0]) if len(values) == 1 else (values[0], values[1])


def conv_geometry(p):
    kh, kw = pair(p, "kernel_size", "kernel_h", "kernel_w", 0)
    ph, pw = pair(p, "pad", "pad_h", "pad_w", 0)
    sh, sw = pair(p, "stride", "stride_h", "stride_w", 1)
    dh, dw = dilation(p)
    return kh, kw, ph, pw, sh, sw, dh, dw


def dilation(p):
    d = list(p.dilation)
    if not d:
        return 1, 1
    return (d[0], d[0]) if len(d) == 1 else (d[0], d[1])


def convolution(layer, bottoms, blobs):
    p = layer.convolution_param
    kh, kw, ph, pw, sh, sw, dh, dw = conv_geometry(p)
    x = bottoms[0]
    n, c, h, w = x.shape
    weight = blobs[0]
    outs, group = weight.shape[0], p.group if p.group else 1
    if layer.type in ("ConvolutionDepthwise", "DepthwiseConvolution"):
        group = c
    oh = (h + 2 * ph - (dh * (kh - 1) + 1)) // sh + 1
    ow = (w + 2 * pw - (dw * (kw - 1) + 1)) // sw + 1
    padded = np.zeros((n, c, h + 2 * ph, w + 2 * pw))
    padded[:, :, ph:ph + h, pw:pw + w] = x
    cg, og = c // group, outs // group
    y = np.zeros((n, outs, oh, ow))
    for g in range(group):
        xg = padded[:, g * cg:(g + 1) * cg]
        wg = weight[g * og:(g + 1) * og].reshape(og, cg, kh, kw)
        for i in range(kh):
            for j in range(kw):
                patch = xg[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw]
                y[:, g * og:(g + 1) * og] += np.tensordot(wg[:, :, i, j], patch, axes=([1], [1])).transpose(1, 0, 2, 3)
    if p.bias_term and len(blobs) > 1:
        y += blobs[1].reshape(1, outs, 1, 1)
    return [y]


def deconvolution(layer, bottoms, blobs):
    p = layer.convolution_param
    kh, kw, ph, pw, sh, sw, dh, dw = conv_geometry(p)
    x = bottoms[0]
    n, c, h, w = x.shape
    weight = blobs[0]
    group = p.group if p.group else 1
    og = weight.shape[1]
    outs = og * group
    full_h, full_w = sh * (h - 1) + dh * (kh - 1) + 1, sw * (w - 1) + dw * (kw - 1) + 1
    y = np.zeros((n, outs, full_h, full_w))
    cg = c // group
    for g in range(group):
        xg = x[:, g * cg:(g + 1) * cg]
        wg = weight[g * cg:(g + 1) * cg].reshape(cg, og, kh, kw)
        for i in range(kh):
            for j in range(kw):
                contrib = np.tensordot(wg[:, :, i, j], xg, axes=([0], [1])).transpose(1, 0, 2, 3)
                y[:, g * og:(g + 1) * og, i * dh:i * dh + sh * (h - 1) + 1:sh, j * dw:j * dw + sw * (w - 1) + 1:sw] += contrib
    y = y[:, :, ph:full_h - ph, pw:full_w - pw]
    if p.bias_term and len(blobs) > 1:
        y = y + blobs[1].reshape(1, outs, 1, 1)
    return [y]


def pooling(layer, bottoms, blobs):
    p = layer.pooling_param
    x = bottoms[0]
    n, c, h, w = x.shape
    if p.global_pooling:
        kh, kw, ph, pw, sh, sw = h, w, 0, 0, 1, 1
    else:
        kh, kw = (p.kernel_h, p.kernel_w) if p.HasField("kernel_h") else (p.kernel_size, p.kernel_size)
        ph, pw = (p.pad_h, p.pad_w) if p.HasField("pad_h") else (p.pad, p.pad)
        sh, sw = (p.stride_h, p.stride_w) if p.HasField("stride_h") else (p.stride, p.stride)
    # round_mode FLOOR, or the forks' older ceil_mode: false (DenseNet's ports)
    floor = getattr(p, "round_mode", 0) == 1 or p.HasField("ceil_mode") and not p.ceil_mode
    rounding = math.floor if floor else math.ceil
    oh = int(rounding((h + 2 * ph - kh) / sh)) + 1
    ow = int(rounding((w + 2 * pw - kw) / sw)) + 1
    if ph or pw:
        if (oh - 1) * sh >= h + ph:
            oh -= 1
        if (ow - 1) * sw >= w + pw:
            ow -= 1
    y = np.zeros((n, c, oh, ow))
    mask = np.zeros((n, c, oh, ow)) if len(layer.top) > 1 else None
    for i in range(oh):
        hs = i * sh - ph
        he = min(hs + kh, h + ph)
        for j in range(ow):
            ws = j * sw - pw
            we = min(ws + kw, w + pw)
            size = (he - hs) * (we - ws)
            window = x[:, :, max(hs, 0):min(he, h), max(ws, 0):min(we, w)]
            if p.pool == 0:  # MAX
                y[:, :, i, j] = window.max(axis=(2, 3))
                if mask is not None:
                    # Caffe's mask: the plane index of the window's first maximum in row-major order.
                    flat = window.reshape(n, c, -1).argmax(axis=2)
                    width = min(we, w) - max(ws, 0)
                    mask[:, :, i, j] = (max(hs, 0) + flat // width) * w + max(ws, 0) + flat % width
            elif p.pool == 1:  # AVE
                y[:, :, i, j] = window.sum(axis=(2, 3)) / size
            else:
                raise Float64Error("layer %s: STOCHASTIC pooling has no float64 rule" % layer.name)
    return [y] if mask is None else [y, mask]


def inner_product(layer, bottoms, blobs):
    p = layer.inner_product_param
    x = bottoms[0]
    axis = p.axis % x.ndim
    outer = int(np.prod(x.shape[:axis]))
    flat = x.reshape(outer, -1)
    weight = blobs[0].reshape(-1, flat.shape[1]) if not p.transpose else blobs[0].reshape(flat.shape[1], -1).T
    y = flat @ weight.T
    if p.bias_term and len(blobs) > 1:
        y = y + blobs[1].reshape(1, -1)
    return [y.reshape(x.shape[:axis] + (weight.shape[0],))]


PHASE = ["TEST"]


def batch_norm(layer, bottoms, blobs):
    x = bottoms[0]
    p = layer.batch_norm_param
    eps = p.eps
    shape = (1, -1) + (1,) * (x.ndim - 2)
    # use_global_stats defaults to true in TEST and false in TRAIN; false normalises by the
    # batch's own mean and (biased) variance per channel.
    if not (p.use_global_stats if p.HasField("use_global_stats") else PHASE[0] == "TEST"):
        axes = (0,) + tuple(range(2, x.ndim))
        mean = x.mean(axis=axes, keepdims=True)
        return [(x - mean) / np.sqrt(((x - mean) ** 2).mean(axis=axes, keepdims=True) + eps)]
    factor = blobs[2].reshape(-1)[0]
    factor = 0.0 if factor == 0 else 1.0 / factor
    mean, var = blobs[0] * factor, blobs[1] * factor
    return [(x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)]


def broadcast(x, v, axis, num):
    """v spread over x's axes [axis, axis + num), as Scale and Bias apply their factor."""
    axis = axis % x.ndim
    shape = (1,) * axis + tuple(v.shape) + (1,) * (x.ndim - axis - v.ndim)
    return v.reshape(shape)


def scale(layer, bottoms, blobs):
    p = layer.scale_param
    x = bottoms[0]
    factor = bottoms[1] if len(bottoms) > 1 else blobs[0]
    y = x * broadcast(x, factor, p.axis, p.num_axes)
    if p.bias_term:
        bias = blobs[1] if len(bottoms) == 1 else blobs[0]
        y = y + broadcast(x, bias, p.axis, p.num_axes)
    return [y]


def bias(layer, bottoms, blobs):
    p = layer.bias_param
    x = bottoms[0]
    b = bottoms[1] if len(bottoms) > 1 else blobs[0]
    return [x + broadcast(x, b, p.axis, p.num_axes)]


def eltwise(layer, bottoms, blobs):
    p = layer.eltwise_param
    if p.operation == 0:  # PROD
        y = bottoms[0].copy()
        for b in bottoms[1:]:
            y = y * b
    elif p.operation == 1:  # SUM
        coeff = list(p.coeff) or [1.0] * len(bottoms)
        y = sum(c * b for c, b in zip(coeff, bottoms))
    else:
        y = bottoms[0]
        for b in bottoms[1:]:
            y = np.maximum(y, b)
    return [y]


def concat(layer, bottoms, blobs):
    p = layer.concat_param
    axis = p.axis if p.HasField("axis") or not p.HasField("concat_dim") else p.concat_dim
    return [np.concatenate(bottoms, axis=axis)]


def slice_(layer, bottoms, blobs):
    p = layer.slice_param
    x = bottoms[0]
    axis = (p.axis if p.HasField("axis") or not p.HasField("slice_dim") else p.slice_dim) % x.ndim
    points = list(p.slice_point)
    if not points:
        step = x.shape[axis] // len(layer.top)
        points = [step * i for i in range(1, len(layer.top))]
    return np.split(x, points, axis=axis)


def softmax(layer, bottoms, blobs):
    x = bottoms[0]
    axis = layer.softmax_param.axis % x.ndim
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return [e / e.sum(axis=axis, keepdims=True)]


def normalizer(layer, mode_default, outer, inner, valid):
    """Caffe's loss normaliser: `normalization`, else the legacy `normalize` (VALID or BATCH_SIZE),
    else the layer's default; never below 1."""
    p = layer.loss_param
    modes = p.DESCRIPTOR.fields_by_name["normalization"].enum_type.values_by_name
    if p.HasField("normalization"):
        mode = p.normalization
    elif p.HasField("normalize"):
        mode = modes["VALID" if p.normalize else "BATCH_SIZE"].number
    else:
        mode = modes[mode_default].number
    name = p.DESCRIPTOR.fields_by_name["normalization"].enum_type.values_by_number[mode].name
    n = {"FULL": outer * inner, "VALID": valid, "BATCH_SIZE": outer, "NONE": 1}[name]
    return max(1.0, float(n))


def class_positions(layer, x, labels):
    """(scores as outer x classes x inner, integer labels as outer x inner, kept mask) for the
    loss and accuracy layers' axis (softmax_param's or accuracy_param's, default 1)."""
    axis = (layer.accuracy_param.axis if layer.type == "Accuracy" else layer.softmax_param.axis) % x.ndim
    outer = int(np.prod(x.shape[:axis]))
    inner = int(np.prod(x.shape[axis + 1:]))
    scores = x.reshape(outer, x.shape[axis], inner)
    labels = labels.reshape(outer, inner).astype(np.int64)
    p = layer.accuracy_param if layer.type == "Accuracy" else layer.loss_param
    keep = labels != p.ignore_label if p.HasField("ignore_label") else np.ones_like(labels, dtype=bool)
    return scores, labels, keep


def softmax_with_loss(layer, bottoms, blobs):
    x = bottoms[0]
    scores, labels, keep = class_positions(layer, x, bottoms[1])
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    prob = e / e.sum(axis=1, keepdims=True)
    outer, _, inner = scores.shape
    picked = np.take_along_axis(prob, np.where(keep, labels, 0)[:, None, :], axis=1)[:, 0, :]
    loss = -np.sum(np.log(np.maximum(picked, np.finfo(np.float32).tiny)) * keep)
    loss /= normalizer(layer, "VALID", outer, inner, int(keep.sum()))
    return [np.array(loss), prob.reshape(x.shape)]


def accuracy(layer, bottoms, blobs):
    x = bottoms[0]
    scores, labels, keep = class_positions(layer, x, bottoms[1])
    top_k = layer.accuracy_param.top_k
    true = np.take_along_axis(scores, np.where(keep, labels, 0)[:, None, :], axis=1)
    # Caffe counts the classes scoring at least the true one, the true one included.
    right = (np.sum(scores >= true, axis=1) - 1 < top_k) & keep
    count = int(keep.sum())
    classes = scores.shape[1]
    per_class = np.array([right[labels == c].sum() / max(1, (keep & (labels == c)).sum()) for c in range(classes)])
    return [np.array(right.sum() / count if count else 0.0), per_class]


def euclidean_loss(layer, bottoms, blobs):
    d = bottoms[0] - bottoms[1]
    return [np.array(np.sum(d * d) / bottoms[0].shape[0] / 2)]


def sigmoid_cross_entropy_loss(layer, bottoms, blobs):
    x, t = bottoms[0], bottoms[1].reshape(bottoms[0].shape)
    p = layer.loss_param
    keep = t.astype(np.int64) != p.ignore_label if p.HasField("ignore_label") else np.ones(x.shape, dtype=bool)
    positive = (x >= 0).astype(np.float64)
    terms = x * (t - positive) - np.log1p(np.exp(x - 2 * x * positive))
    # Caffe's default normaliser here is the batch (it is VALID for SoftmaxWithLoss).
    return [np.array(-np.sum(terms * keep) / normalizer(layer, "BATCH_SIZE", x.shape[0], x.size // x.shape[0],
                                                        int(keep.sum())))]


def lrn(layer, bottoms, blobs):
    p = layer.lrn_param
    x = bottoms[0]
    n, c, h, w = x.shape
    size, alpha, beta, k = p.local_size, p.alpha, p.beta, p.k
    if p.norm_region == 0:  # ACROSS_CHANNELS
        pre = (size - 1) // 2
        sq = np.zeros((n, c + size - 1, h, w))
        sq[:, pre:pre + c] = x * x
        s = sum(sq[:, i:i + c] for i in range(size))
        return [x * (k + alpha / size * s) ** -beta]
    pad = (size - 1) // 2
    sq = np.zeros((n, c, h + 2 * pad, w + 2 * pad))
    sq[:, :, pad:pad + h, pad:pad + w] = x * x
    avg = np.zeros_like(x)
    for i in range(h):
        for j in range(w):
            hs, ws = i, j
            he, we = min(hs + size, h + 2 * pad), min(ws + size, w + 2 * pad)
            avg[:, :, i, j] = sq[:, :, hs:he, ws:we].sum(axis=(2, 3)) / ((he - hs) * (we - ws))
    return [x * (1 + alpha * avg) ** -beta]


def reshape(layer, bottoms, blobs):
    p = layer.reshape_param
    x = bottoms[0]
    axis = p.axis % (x.ndim + 1) if p.axis < 0 else p.axis
    end = x.ndim if p.num_axes == -1 else axis + p.num_axes
    dims = [x.shape[axis + i] if d == 0 else d for i, d in enumerate(p.shape.dim)]
    return [x.reshape(x.shape[:axis] + tuple(dims) + x.shape[end:])]


def flatten(layer, bottoms, blobs):
    p = layer.flatten_param
    x = bottoms[0]
    axis, end = p.axis % x.ndim, p.end_axis % x.ndim
    return [x.reshape(x.shape[:axis] + (-1,) + x.shape[end + 1:])]


def crop(layer, bottoms, blobs):
    p = layer.crop_param
    x, like = bottoms
    axis = p.axis % x.ndim
    offsets = list(p.offset)
    index = []
    for d in range(x.ndim):
        if d < axis:
            index.append(slice(None))
        else:
            o = offsets[0] if len(offsets) == 1 else (offsets[d - axis] if offsets else 0)
            index.append(slice(o, o + like.shape[d]))
    return [x[tuple(index)]]


def prelu(layer, bottoms, blobs):
    x = bottoms[0]
    slope = blobs[0].reshape(-1)
    slope = slope[0] if layer.prelu_param.channel_shared else slope.reshape((1, -1) + (1,) * (x.ndim - 2))
    return [np.where(x > 0, x, x * slope)]


def relu(layer, bottoms, blobs):
    x = bottoms[0]
    s = layer.relu_param.negative_slope
    return [np.where(x > 0, x, x * s)]


def power(layer, bottoms, blobs):
    p = layer.power_param
    return [(p.shift + p.scale * bottoms[0]) ** p.power]


def elu(layer, bottoms, blobs):
    x = bottoms[0]
    return [np.where(x > 0, x, layer.elu_param.alpha * (np.exp(np.minimum(x, 0)) - 1))]


def clip(layer, bottoms, blobs):
    return [np.clip(bottoms[0], layer.clip_param.min, layer.clip_param.max)]


def permute(layer, bottoms, blobs):
    order = list(layer.permute_param.order)
    x = bottoms[0]
    order += [d for d in range(x.ndim) if d not in order]
    return [x.transpose(order)]


def shuffle_channel(layer, bottoms, blobs):
    x = bottoms[0]
    n, c = x.shape[:2]
    g = layer.shuffle_channel_param.group
    return [x.reshape((n, g, c // g) + x.shape[2:]).swapaxes(1, 2).reshape(x.shape)]


def axpy(layer, bottoms, blobs):
    a, x, y = bottoms
    return [a.reshape(a.shape[:2] + (1,) * (x.ndim - 2)) * x + y]


def upsample(layer, bottoms, blobs):
    p = layer.upsample_param
    x = bottoms[0]
    if len(bottoms) == 1:  # MobileNet-YOLO: nearest, scale defaults to 1
        s = p.scale if p.HasField("scale") else 1
        return [np.repeat(np.repeat(x, s, axis=2), s, axis=3)]
    n, c, h, w = x.shape  # SegNet: unpooling through the mask
    if p.HasField("upsample_h"):
        oh, ow = p.upsample_h, p.upsample_w
    else:
        sh = p.scale_h if p.HasField("scale_h") else (p.scale if p.HasField("scale") else 2)
        sw = p.scale_w if p.HasField("scale_w") else (p.scale if p.HasField("scale") else 2)
        oh, ow = h * sh - int(p.pad_out_h), w * sw - int(p.pad_out_w)
    y = np.zeros((n * c, oh * ow))
    index = bottoms[1].reshape(n * c, -1).astype(np.int64)
    for plane in range(n * c):
        y[plane, index[plane]] = x.reshape(n * c, -1)[plane]
    return [y.reshape(n, c, oh, ow)]


def bn(layer, bottoms, blobs):
    p = layer.bn_param
    x = bottoms[0]
    shape = (1, x.shape[1]) + (1,) * (x.ndim - 2)
    a, b = blobs[0].reshape(shape), blobs[1].reshape(shape)
    pspnet = len(blobs) == 4 or any(p.HasField(f) for f in ("slope_filler", "bias_filler", "momentum", "eps", "frozen", "engine"))
    if pspnet:  # TEST phase: the stored statistics
        mean, var, eps = blobs[2].reshape(shape), blobs[3].reshape(shape), p.eps
    elif p.bn_mode == 1:  # SegNet INFERENCE
        return [a * x + b]
    else:  # SegNet LEARN: the batch's statistics, eps 1e-9
        axes = (0,) + tuple(range(2, x.ndim))
        mean, var, eps = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True), 1e-9
        return [a * (x - mean) / np.sqrt(var + eps) + b, mean.reshape(shape), var.reshape(shape)][:len(layer.top)]
    return [a * (x - mean) / np.sqrt(var + eps) + b]


def interp(layer, bottoms, blobs):
    p = layer.interp_param
    x = bottoms[0]
    n, c, h, w = x.shape
    x = x[:, :, -p.pad_beg:h + p.pad_end, -p.pad_beg:w + p.pad_end]
    ih, iw = x.shape[2:]
    if p.HasField("shrink_factor") or p.HasField("zoom_factor"):
        oh, ow = ih, iw
        if p.HasField("shrink_factor"):
            oh, ow = (oh - 1) // p.shrink_factor + 1, (ow - 1) // p.shrink_factor + 1
        if p.HasField("zoom_factor"):
            oh, ow = oh + (oh - 1) * (p.zoom_factor - 1), ow + (ow - 1) * (p.zoom_factor - 1)
    else:
        oh, ow = p.height, p.width

    def grid(size_in, size_out):
        r = np.arange(size_out) * ((size_in - 1) / (size_out - 1) if size_out > 1 else 0.0)
        lo = np.floor(r).astype(np.int64)
        hi = np.minimum(lo + 1, size_in - 1)
        return lo, hi, r - lo

    y0, y1, ly = grid(ih, oh)
    x0, x1, lx = grid(iw, ow)
    top = x[:, :, y0][:, :, :, x0] * (1 - lx) + x[:, :, y0][:, :, :, x1] * lx
    bottom = x[:, :, y1][:, :, :, x0] * (1 - lx) + x[:, :, y1][:, :, :, x1] * lx
    return [top * (1 - ly)[:, None] + bottom * ly[:, None]]


RULES = {
    "Convolution": convolution,
    "ConvolutionDepthwise": convolution,
    "DepthwiseConvolution": convolution,
    "Deconvolution": deconvolution,
    "Pooling": pooling,
    "InnerProduct": inner_product,
    "BatchNorm": batch_norm,
    "Scale": scale,
    "Bias": bias,
    "Eltwise": eltwise,
    "Concat": concat,
    "Slice": slice_,
    "Split": lambda l, b, w: [b[0]] * len(l.top),
    "Softmax": softmax,
    "LRN": lrn,
    "Reshape": reshape,
    "Flatten": flatten,
    "Crop": crop,
    "Permute": permute,
    "Dropout": lambda l, b, w: [b[0]],
    "ReLU": relu,
    "ReLU6": lambda l, b, w: [np.clip(b[0], 0, 6)],
    "Clip": clip,
    "PReLU": prelu,
    "ELU": elu,
    "Sigmoid": lambda l, b, w: [1 / (1 + np.exp(-b[0]))],
    "TanH": lambda l, b, w: [np.tanh(b[0])],
    "AbsVal": lambda l, b, w: [np.abs(b[0])],
    "BNLL": lambda l, b, w: [np.where(b[0] > 0, b[0] + np.log1p(np.exp(-b[0])), np.log1p(np.exp(b[0])))],
    "Power": power,
    "Swish": lambda l, b, w: [b[0] / (1 + np.exp(-l.swish_param.beta * b[0]))],
    "ShuffleChannel": shuffle_channel,
    "Axpy": axpy,
    "Upsample": upsample,
    "BN": bn,
    "Interp": interp,
    "SoftmaxWithLoss": softmax_with_loss,
    "Accuracy": accuracy,
    "EuclideanLoss": euclidean_loss,
    "SigmoidCrossEntropyLoss": sigmoid_cross_entropy_loss,
    "Silence": lambda l, b, w: [],
}
