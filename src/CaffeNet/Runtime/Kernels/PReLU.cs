namespace CaffeNet.Runtime.Kernels;

/// <summary><paramref name="ChannelShared"/>: one slope for all channels instead of one per channel.</summary>
internal readonly record struct PReLUParams(bool ChannelShared = false);

/// <summary>
/// Caffe's PReLU: out = max(x, 0) + slope[c] · min(x, 0) with c the index on axis 1 (slope[0]
/// for every channel when shared). In place is allowed.
/// </summary>
internal static class PReLU
{
    public static TensorShape SlopeShape(TensorShape input, in PReLUParams p)
    {
        Require.Model(input.Rank >= 2, $"PReLU: input must have at least 2 axes, got {input}");
        return p.ChannelShared ? [] : [input[1]];
    }

    public static void Forward(in Tensor input, ReadOnlySpan<float> slope, in PReLUParams p, Tensor output)
    {
        Require.Shape(output, input.Shape, "PReLU output");
        Require.Length(slope, SlopeShape(input.Shape, p).Count, "PReLU slope");
        int channels = input.Shape[1];
        int inner = input.Shape.CountFrom(2);
        var src = input.Span;
        var dst = output.Span;
        for (int start = 0, c = 0; start < src.Length; start += inner, c = (c + 1) % channels)
        {
            float s = p.ChannelShared ? slope[0] : slope[c];
            for (int i = start; i < start + inner; i++)
            {
                float x = src[i];
                dst[i] = Math.Max(x, 0f) + s * Math.Min(x, 0f);
            }
        }
    }
}
