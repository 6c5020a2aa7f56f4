using CaffeNet.Graph;
using CaffeNet.Onnx.Proto;
using static CaffeNet.Proto.PoolingParameter.Types;

namespace CaffeNet.Export.Onnx.Layers;

/// <summary>
/// Pooling as MaxPool / AveragePool with Caffe's output size made exact: ONNX rounds down
/// (ceil_mode 0) over explicit pads whose end side is chosen so that the last window is Caffe's
/// last window (see <see cref="PoolingWindows"/>). Global pooling is GlobalMaxPool /
/// GlobalAveragePool.
///
/// Caffe's AVE divides by the window clipped to the padded image [-pad, size + pad), so:
/// with no pad, by the part inside the image, which is count_include_pad 0; with a pad and no
/// window reaching past the padded image, by the whole kernel, which is count_include_pad 1.
/// When a rounded-up last window does reach past it (a pad and ceil mode), Caffe's divisor there
/// is smaller than the kernel while no ONNX setting gives it: the input is zero-padded by Pad
/// so that every window lies inside, AveragePool divides each sum by the whole kernel, and a
/// constant per output position rescales to Caffe's divisor (kernel area / clipped area).
/// </summary>
internal sealed class PoolingExport : ILayerExport
{
    public void Export(NodeExport e)
    {
        var a = e.Attributes<PoolingAttributes>();
        if (a.Method is not (PoolMethod.Max or PoolMethod.Ave))
            throw e.Error($"pooling method {a.Method} has no ONNX form (MAX and AVE do)");
        if (e.Outputs.Count > 1)
            throw e.Error("the second top (MAX pooling's argmax mask) has no ONNX form");
        bool max = a.Method == PoolMethod.Max;
        if (a.Global)
        {
            e.Op(max ? "GlobalMaxPool" : "GlobalAveragePool", [e.Input], e.Output);
            return;
        }

        var height = new PoolingWindows(e.InputDims[2], e.OutputDims[2], a.KernelH, a.StrideH, a.PadH);
        var width = new PoolingWindows(e.InputDims[3], e.OutputDims[3], a.KernelW, a.StrideW, a.PadW);
        AttributeProto kernel = OnnxAttribute.Ints("kernel_shape", a.KernelH, a.KernelW);
        AttributeProto strides = OnnxAttribute.Ints("strides", a.StrideH, a.StrideW);
        AttributeProto pads = OnnxAttribute.Ints("pads", a.PadH, a.PadW, height.EndPad, width.EndPad);
        if (max)
        {
            e.Op("MaxPool", [e.Input], e.Output, kernel, strides, pads);
            return;
        }
        bool padded = a.PadH > 0 || a.PadW > 0;
        if (!padded || !height.PastPadding && !width.PastPadding)
        {
            e.Op("AveragePool", [e.Input], e.Output, kernel, strides, pads, OnnxAttribute.Int("count_include_pad", padded ? 1 : 0));
            return;
        }
        var zeroPadded = e.Step("Pad", "padded", [e.Input, e.Int64s("pads", 0, 0, a.PadH, a.PadW, 0, 0, height.EndPad, width.EndPad)]);
        var mean = e.Step("AveragePool", "kernel_mean", [zeroPadded], kernel, strides);
        e.Op("Mul", [mean, Rescale(e, height, width)], e.Output);
    }

    /// <summary>Kernel area over Caffe's divisor at each output position, shaped 1 x 1 x H x W.</summary>
    static string Rescale(NodeExport e, PoolingWindows height, PoolingWindows width)
    {
        var factors = new float[height.Output * width.Output];
        for (int y = 0; y < height.Output; y++)
            for (int x = 0; x < width.Output; x++)
                factors[y * width.Output + x] = (float)(height.Kernel * width.Kernel) / (height.Divisor(y) * width.Divisor(x));
        return e.Floats("rescale", [1, 1, height.Output, width.Output], factors);
    }
}

/// <summary>Caffe's pooling windows along one axis, for an output size the graph already worked out.</summary>
internal readonly record struct PoolingWindows(int Size, int Output, int Kernel, int Stride, int Pad)
{
    /// <summary>
    /// The end pad after which ONNX's rounded-down count of windows is Caffe's: the last window
    /// ends exactly there (or, in floor mode, the image ends at or after it).
    /// </summary>
    public int EndPad => Math.Max(0, (Output - 1) * Stride + Kernel - Size - Pad);

    /// <summary>True when the last window reaches past the padded image, where Caffe clips it.</summary>
    public bool PastPadding => EndPad > Pad;

    /// <summary>Caffe's AVE divisor along this axis for output <paramref name="index"/>: the window clipped to [-pad, size + pad).</summary>
    public int Divisor(int index)
    {
        int start = index * Stride - Pad;
        return Math.Min(start + Kernel, Size + Pad) - start;
    }
}
