using System.Buffers;
using System.Runtime.CompilerServices;

namespace CaffeNet.Runtime.Kernels;

/// <summary>The geometry of a 2-D Caffe convolution (also used by Deconvolution).</summary>
internal readonly record struct ConvolutionParams(
    int NumOutput, int KernelH, int KernelW,
    int StrideH = 1, int StrideW = 1,
    int PadH = 0, int PadW = 0,
    int DilationH = 1, int DilationW = 1,
    int Group = 1)
{
    /// <summary>Extent of the kernel on the input once dilated: d·(k−1)+1.</summary>
    public int SpanH => DilationH * (KernelH - 1) + 1;

    public int SpanW => DilationW * (KernelW - 1) + 1;

    /// <summary>Rejects values Caffe would refuse, naming what is wrong.</summary>
    internal void Validate(int channels, string layerType)
    {
        Require.Model(KernelH > 0 && KernelW > 0, $"{layerType}: kernel {KernelH}x{KernelW} must be positive");
        Require.Model(StrideH > 0 && StrideW > 0, $"{layerType}: stride {StrideH}x{StrideW} must be positive");
        Require.Model(PadH >= 0 && PadW >= 0, $"{layerType}: pad {PadH}x{PadW} must not be negative");
        Require.Model(DilationH > 0 && DilationW > 0, $"{layerType}: dilation {DilationH}x{DilationW} must be positive");
        Require.Model(Group > 0, $"{layerType}: group {Group} must be positive");
        Require.Model(NumOutput > 0, $"{layerType}: num_output {NumOutput} must be positive");
        Require.Model(channels % Group == 0, $"{layerType}: {channels} input channels are not divisible by group {Group}");
        Require.Model(NumOutput % Group == 0, $"{layerType}: num_output {NumOutput} is not divisible by group {Group}");
    }
}

/// <summary>
/// Caffe's Convolution: out[n, o, y, x] = bias[o] + Σ w[o, c, i, j] · in[n, g·C/G + c, y·s − p + i·d, x·s − p + j·d]
/// over the input channels c of o's group g, zero outside the image. Output size
/// ⌊(H + 2p − (d(k−1)+1)) / s⌋ + 1. Weights are [num_output, C/group, kh, kw].
/// </summary>
internal static class Convolution
{
    public static TensorShape OutputShape(TensorShape input, in ConvolutionParams p)
    {
        Require.Model(input.Rank == 4, $"Convolution: input must be NxCxHxW, got {input}");
        p.Validate(input[1], "Convolution");
        int h = input[2] + 2 * p.PadH - p.SpanH;
        int w = input[3] + 2 * p.PadW - p.SpanW;
        Require.Model(h >= 0 && w >= 0,
            $"Convolution: kernel {p.SpanH}x{p.SpanW} (dilated) is larger than the padded input {input[2] + 2 * p.PadH}x{input[3] + 2 * p.PadW}");
        return [input[0], p.NumOutput, h / p.StrideH + 1, w / p.StrideW + 1];
    }

    public static TensorShape WeightShape(int inputChannels, in ConvolutionParams p) =>
        [p.NumOutput, inputChannels / p.Group, p.KernelH, p.KernelW];

    /// <summary><paramref name="bias"/> is empty when the layer has no bias term.</summary>
    public static void Forward(in Tensor input, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        in ConvolutionParams p, Tensor output)
    {
        Require.Shape(output, OutputShape(input.Shape, p), "Convolution output");
        int channels = input.Shape[1];
        Require.Length(weights, WeightShape(channels, p).Count, "Convolution weights");
        if (!bias.IsEmpty)
            Require.Length(bias, p.NumOutput, "Convolution bias");

        var geometry = new Geometry(input.Shape, output.Shape, p);
        var src = input.Span;
        var dst = output.Span;
        int inPlane = geometry.Height * geometry.Width;
        int outPlane = geometry.OutHeight * geometry.OutWidth;
        bool pointwise = p is { KernelH: 1, KernelW: 1, StrideH: 1, StrideW: 1, PadH: 0, PadW: 0 };
        float[]? columns = null;
        if (geometry.GroupChannels != 1 && !pointwise)
            columns = ArrayPool<float>.Shared.Rent(geometry.GroupChannels * p.KernelH * p.KernelW * outPlane);
        try
        {
            for (int n = 0; n < input.Shape[0]; n++)
            {
                var image = src.Slice(n * channels * inPlane, channels * inPlane);
                var result = dst.Slice(n * p.NumOutput * outPlane, p.NumOutput * outPlane);
                for (int g = 0; g < p.Group; g++)
                {
                    var groupIn = image.Slice(g * geometry.GroupChannels * inPlane, geometry.GroupChannels * inPlane);
                    var groupOut = result.Slice(g * geometry.GroupOutputs * outPlane, geometry.GroupOutputs * outPlane);
                    var groupWeights = weights.Slice(g * geometry.GroupOutputs * geometry.KernelSize,
                        geometry.GroupOutputs * geometry.KernelSize);
                    if (geometry.GroupChannels == 1)
                        Direct(groupIn, groupWeights, geometry, groupOut);
                    else if (pointwise)
                        Gemm.Multiply(geometry.GroupOutputs, outPlane, geometry.GroupChannels,
                            groupWeights, false, groupIn, false, groupOut);
                    else
                    {
                        var cols = columns.AsSpan(0, geometry.KernelSize * outPlane);
                        Im2Col.Forward(groupIn, geometry.GroupChannels, geometry.Height, geometry.Width,
                            p, geometry.OutHeight, geometry.OutWidth, cols);
                        Gemm.Multiply(geometry.GroupOutputs, outPlane, geometry.KernelSize,
                            groupWeights, false, cols, false, groupOut);
                    }
                }
                if (!bias.IsEmpty)
                    AddBias(result, bias, outPlane);
            }
        }
        finally
        {
            if (columns != null)
                ArrayPool<float>.Shared.Return(columns);
        }
    }

    /// <summary>Adds bias[o] to every value of plane o.</summary>
    internal static void AddBias(Span<float> planes, ReadOnlySpan<float> bias, int planeSize)
    {
        for (int o = 0; o < bias.Length; o++)
        {
            var plane = planes.Slice(o * planeSize, planeSize);
            float b = bias[o];
            for (int i = 0; i < plane.Length; i++)
                plane[i] += b;
        }
    }

    // One input channel per group (depthwise, possibly with a channel multiplier): every output
    // is a small dot product with its own input plane, so a direct loop beats building columns.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Direct(ReadOnlySpan<float> plane, ReadOnlySpan<float> weights, in Geometry g, Span<float> output)
    {
        var p = g.Params;
        for (int o = 0; o < g.GroupOutputs; o++)
        {
            var kernel = weights.Slice(o * g.KernelSize, g.KernelSize);
            var outPlane = output.Slice(o * g.OutHeight * g.OutWidth, g.OutHeight * g.OutWidth);
            for (int oy = 0; oy < g.OutHeight; oy++)
            {
                int y0 = oy * p.StrideH - p.PadH;
                // Taps i with 0 <= y0 + i·d < H, found once per row instead of tested per pixel.
                int iStart = FirstTap(y0, p.DilationH);
                int iEnd = EndTap(y0, p.DilationH, p.KernelH, g.Height);
                for (int ox = 0; ox < g.OutWidth; ox++)
                {
                    int x0 = ox * p.StrideW - p.PadW;
                    int jStart = FirstTap(x0, p.DilationW);
                    int jEnd = EndTap(x0, p.DilationW, p.KernelW, g.Width);
                    float sum = 0;
                    for (int i = iStart; i < iEnd; i++)
                    {
                        int rowBase = (y0 + i * p.DilationH) * g.Width + x0;
                        int kBase = i * p.KernelW;
                        for (int j = jStart; j < jEnd; j++)
                            sum += kernel[kBase + j] * plane[rowBase + j * p.DilationW];
                    }
                    outPlane[oy * g.OutWidth + ox] = sum;
                }
            }
        }
    }

    /// <summary>The first tap t with start + t·dilation >= 0.</summary>
    internal static int FirstTap(int start, int dilation) => start >= 0 ? 0 : (-start + dilation - 1) / dilation;

    /// <summary>One past the last tap t (at most <paramref name="kernel"/>) with start + t·dilation &lt; size.</summary>
    internal static int EndTap(int start, int dilation, int kernel, int size)
    {
        if (start >= size)
            return 0;
        return Math.Min(kernel, (size - 1 - start) / dilation + 1);
    }

    /// <summary>
    /// For memory estimates: the im2col buffer <see cref="Forward"/> rents for one group of one image
    /// of <paramref name="channels"/> (none for depthwise or 1x1 stride-1 convolutions).
    /// </summary>
    internal static void NeedScratch(int channels, in ConvolutionParams p, long outPlane, ScratchEstimate scratch)
    {
        bool pointwise = p is { KernelH: 1, KernelW: 1, StrideH: 1, StrideW: 1, PadH: 0, PadW: 0 };
        if (channels / p.Group != 1 && !pointwise)
            scratch.Pooled((long)(channels / p.Group) * p.KernelH * p.KernelW * outPlane);
        scratch.PooledDoubles(Gemm.TileDoubles(p.NumOutput / p.Group, checked((int)outPlane), transposeB: false));
    }

    readonly struct Geometry(TensorShape input, TensorShape output, ConvolutionParams p)
    {
        public readonly ConvolutionParams Params = p;
        public readonly int Height = input[2], Width = input[3];
        public readonly int OutHeight = output[2], OutWidth = output[3];
        public readonly int GroupChannels = input[1] / p.Group;
        public readonly int GroupOutputs = p.NumOutput / p.Group;
        public readonly int KernelSize = input[1] / p.Group * p.KernelH * p.KernelW;
    }
}
