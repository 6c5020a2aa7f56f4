namespace CaffeNet.Runtime.Simd;

/// <summary>
/// The channel-blocked layout NCHWc (c = <see cref="Block"/> = 8, one AVX2 vector): tensor
/// [N][ceil(C / 8)][H][W][8], the channels past C zero. A pixel's 8 channels are one vector, so
/// depthwise and pointwise kernels vectorise over channels whatever the image size or stride.
/// Converted only at the edges of a run of layers that use it.
/// </summary>
public static class ChannelBlocked
{
    public const int Block = 8;

    public static int Blocks(int channels) => (channels + Block - 1) / Block;

    /// <summary>Floats a blocked tensor takes.</summary>
    public static long Size(int batch, int channels, int height, int width) => (long)batch * Blocks(channels) * Block * height * width;

    /// <summary>NCHW to NCHWc.</summary>
    public static void ToBlocked(ReadOnlySpan<float> nchw, Span<float> blocked, int batch, int channels, int height, int width)
    {
        int plane = height * width, blocks = Blocks(channels);
        CheckSizes(nchw.Length, blocked.Length, batch, channels, height, width);
        for (int n = 0; n < batch; n++)
        {
            for (int b = 0; b < blocks; b++)
            {
                var dst = blocked.Slice((n * blocks + b) * plane * Block, plane * Block);
                for (int lane = 0; lane < Block; lane++)
                {
                    int c = b * Block + lane;
                    if (c >= channels)
                    {
                        for (int p = 0; p < plane; p++)
                            dst[p * Block + lane] = 0f;
                        continue;
                    }
                    var src = nchw.Slice((n * channels + c) * plane, plane);
                    for (int p = 0; p < plane; p++)
                        dst[p * Block + lane] = src[p];
                }
            }
        }
    }

    /// <summary>NCHWc to NCHW (the padding channels are dropped).</summary>
    public static void FromBlocked(ReadOnlySpan<float> blocked, Span<float> nchw, int batch, int channels, int height, int width)
    {
        int plane = height * width, blocks = Blocks(channels);
        CheckSizes(nchw.Length, blocked.Length, batch, channels, height, width);
        for (int n = 0; n < batch; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                var src = blocked.Slice((n * blocks + c / Block) * plane * Block, plane * Block);
                var dst = nchw.Slice((n * channels + c) * plane, plane);
                int lane = c % Block;
                for (int p = 0; p < plane; p++)
                    dst[p] = src[p * Block + lane];
            }
        }
    }

    static void CheckSizes(int nchw, int blocked, int batch, int channels, int height, int width)
    {
        if (nchw < (long)batch * channels * height * width)
            throw new ArgumentException($"NCHW tensor of {batch}x{channels}x{height}x{width} needs more than {nchw} floats");
        if (blocked < Size(batch, channels, height, width))
            throw new ArgumentException($"NCHWc tensor of {batch}x{channels}x{height}x{width} needs more than {blocked} floats");
    }
}
