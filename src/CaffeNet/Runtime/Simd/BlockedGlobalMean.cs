namespace CaffeNet.Runtime.Simd;

/// <summary>
/// Global average pooling of a channel-blocked tensor into NCHW batch x channels x 1 x 1: each
/// block's pixels are summed lane by lane (a pixel's block is contiguous), then scaled by 1 / plane.
/// </summary>
internal static unsafe class BlockedGlobalMean
{
    public static void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int channels, int plane, int block)
    {
        int blocks = (channels + block - 1) / block;
        if (input.Length < (long)batch * blocks * plane * block || output.Length < (long)batch * channels)
            throw new ArgumentException($"tensors of {batch}x{channels}x{plane} (block {block}) are too short");
        var sums = new double[block];
        float scale = 1f / plane;
        fixed (float* pin = input)
        fixed (float* pout = output)
        {
            for (int n = 0; n < batch; n++)
            {
                for (int b = 0; b < blocks; b++)
                {
                    float* s = pin + ((nint)n * blocks + b) * plane * block;
                    Array.Clear(sums);
                    for (int p = 0; p < plane; p++, s += block)
                    {
                        for (int l = 0; l < block; l++)
                            sums[l] += s[l];
                    }
                    int lanes = Math.Min(block, channels - b * block);
                    for (int l = 0; l < lanes; l++)
                        pout[(nint)n * channels + b * block + l] = (float)sums[l] * scale;
                }
            }
        }
    }
}
