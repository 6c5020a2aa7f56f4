using System.Runtime.Intrinsics;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// Global average pooling of a channel-blocked tensor into NCHW batch x channels x 1 x 1: a block's
/// pixels are summed as vectors (a pixel's block is contiguous), then scaled by 1 / plane.
/// </summary>
internal static unsafe class BlockedGlobalMean
{
    public static void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int channels, int plane, int block)
    {
        BlockedIo.CheckBlock(block);
        int blocks = (channels + block - 1) / block;
        if (input.Length < (long)batch * blocks * plane * block || output.Length < (long)batch * channels)
            throw new ArgumentException($"tensors of {batch}x{channels}x{plane} (block {block}) are too short");
        fixed (float* pin = input)
        fixed (float* pout = output)
        {
            for (int n = 0; n < batch; n++)
            {
                for (int b = 0; b < blocks; b++)
                {
                    float* s = pin + ((nint)n * blocks + b) * plane * block;
                    float* d = pout + (nint)n * channels + b * block;
                    int lanes = Math.Min(block, channels - b * block);
                    if (block == 16)
                        Mean<Lanes512, Vector512<float>>(s, plane, d, lanes);
                    else
                        Mean<Lanes256, Vector256<float>>(s, plane, d, lanes);
                }
            }
        }
    }

    static void Mean<TLanes, TVec>(float* s, int plane, float* d, int lanes) where TLanes : struct, IFloatLanes<TVec> where TVec : unmanaged
    {
        int b = TLanes.Count;
        var a0 = TLanes.Splat(0);
        var a1 = a0;
        int p = 0;
        for (; p + 2 <= plane; p += 2)
        {
            a0 = TLanes.Add(a0, TLanes.Load(s + (nint)p * b));
            a1 = TLanes.Add(a1, TLanes.Load(s + (nint)(p + 1) * b));
        }
        if (p < plane)
            a0 = TLanes.Add(a0, TLanes.Load(s + (nint)p * b));
        var mean = TLanes.Multiply(TLanes.Add(a0, a1), TLanes.Splat(1f / plane));
        if (lanes == b)
            TLanes.Store(mean, d);
        else
            TLanes.StorePart(mean, d, lanes);
    }
}
