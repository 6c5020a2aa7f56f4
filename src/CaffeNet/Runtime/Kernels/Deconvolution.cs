using System.Buffers;

namespace CaffeNet.Runtime.Kernels;

/// <summary>
/// Caffe's Deconvolution: the transpose of Convolution with the same parameters. Each input
/// pixel scatters weights[c, o, i, j] · in[c, y, x] onto out[o, y·s − p + i·d, x·s − p + j·d].
/// Output size s·(H − 1) + d·(k − 1) + 1 − 2p. Weights are [C, num_output/group, kh, kw].
/// </summary>
internal static class Deconvolution
{
    public static TensorShape OutputShape(TensorShape input, in ConvolutionParams p)
    {
        Require.Model(input.Rank == 4, $"Deconvolution: input must be NxCxHxW, got {input}");
        p.Validate(input[1], "Deconvolution");
        int h = p.StrideH * (input[2] - 1) + p.SpanH - 2 * p.PadH;
        int w = p.StrideW * (input[3] - 1) + p.SpanW - 2 * p.PadW;
        Require.Model(h > 0 && w > 0, $"Deconvolution: padding {p.PadH}x{p.PadW} leaves an empty {h}x{w} output for input {input}");
        return [input[0], p.NumOutput, h, w];
    }

    public static TensorShape WeightShape(int inputChannels, in ConvolutionParams p) =>
        [inputChannels, p.NumOutput / p.Group, p.KernelH, p.KernelW];

    /// <summary>For memory estimates: the column buffer <see cref="Forward"/> rents for an input plane of <paramref name="inPlane"/> pixels.</summary>
    internal static void NeedScratch(in ConvolutionParams p, long inPlane, ScratchEstimate scratch)
    {
        scratch.Pooled((long)p.NumOutput / p.Group * p.KernelH * p.KernelW * inPlane);
        scratch.PooledDoubles(Gemm.TileDoubles(p.NumOutput / p.Group * p.KernelH * p.KernelW, checked((int)inPlane), transposeB: false));
    }

    /// <summary><paramref name="bias"/> is empty when the layer has no bias term.</summary>
    public static void Forward(in Tensor input, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        in ConvolutionParams p, Tensor output)
    {
        Require.Shape(output, OutputShape(input.Shape, p), "Deconvolution output");
        int channels = input.Shape[1];
        Require.Length(weights, WeightShape(channels, p).Count, "Deconvolution weights");
        if (!bias.IsEmpty)
            Require.Length(bias, p.NumOutput, "Deconvolution bias");

        int height = input.Shape[2], width = input.Shape[3];
        int outHeight = output.Shape[2], outWidth = output.Shape[3];
        int inPlane = height * width, outPlane = outHeight * outWidth;
        int groupChannels = channels / p.Group, groupOutputs = p.NumOutput / p.Group;
        int columnRows = groupOutputs * p.KernelH * p.KernelW;
        var columns = ArrayPool<float>.Shared.Rent(columnRows * inPlane);
        try
        {
            var src = input.Span;
            var dst = output.Span;
            dst.Clear();
            for (int n = 0; n < input.Shape[0]; n++)
            {
                var result = dst.Slice(n * p.NumOutput * outPlane, p.NumOutput * outPlane);
                for (int g = 0; g < p.Group; g++)
                {
                    var groupIn = src.Slice((n * channels + g * groupChannels) * inPlane, groupChannels * inPlane);
                    var groupWeights = weights.Slice(g * groupChannels * columnRows, groupChannels * columnRows);
                    // columns[o·kh·kw, y·W + x] = Σ_c w[c, o, i, j] · in[c, y, x]: the conv's columns, in reverse.
                    var cols = columns.AsSpan(0, columnRows * inPlane);
                    Gemm.Multiply(columnRows, inPlane, groupChannels, groupWeights, true, groupIn, false, cols);
                    // The output here plays the convolution's input and the input its output.
                    Im2Col.Backward(cols, groupOutputs, outHeight, outWidth, p, height, width,
                        result.Slice(g * groupOutputs * outPlane, groupOutputs * outPlane));
                }
                if (!bias.IsEmpty)
                    Convolution.AddBias(result, bias, outPlane);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(columns);
        }
    }
}
