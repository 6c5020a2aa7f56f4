namespace CaffeNet.Runtime.Simd;

/// <summary>
/// Reorders between NCHW and the channel-blocked layout NCHWc (see <see cref="Graph.Passes.ChannelLayout"/>):
/// [N][ceil(C / block)][H][W][block], the lanes past C zero. Used only where a blocked run of
/// layers meets an NCHW one, so these are plain loops.
/// </summary>
internal static unsafe class BlockedReorder
{
    /// <summary>A layer's NCHW input reordered into this thread's input scratch (<see cref="Scratch.ReorderInput"/>), for a kernel that reads blocked.</summary>
    public static ReadOnlySpan<float> InputToBlocked(ReadOnlySpan<float> src, int batch, int channels, int plane, int block)
    {
        int floats = checked(batch * ((channels + block - 1) / block * block) * plane);
        var blocked = new Span<float>(Scratch.ReorderInput(floats), floats);
        ToBlocked(src, blocked, batch, channels, plane, block);
        return blocked;
    }

    /// <summary>NCHW <paramref name="src"/> (batch x channels x plane) to blocked <paramref name="dst"/>, padding lanes zeroed.</summary>
    public static void ToBlocked(ReadOnlySpan<float> src, Span<float> dst, int batch, int channels, int plane, int block)
    {
        int blocks = (channels + block - 1) / block;
        Check(src.Length, dst.Length, batch, channels, plane, block);
        fixed (float* ps = src)
        fixed (float* pd = dst)
        {
            for (int n = 0; n < batch; n++)
            {
                for (int b = 0; b < blocks; b++)
                {
                    float* d = pd + ((long)n * blocks + b) * plane * block;
                    int lanes = Math.Min(block, channels - b * block);
                    for (int l = 0; l < lanes; l++)
                    {
                        float* s = ps + ((long)n * channels + b * block + l) * plane;
                        for (int p = 0; p < plane; p++)
                            d[(long)p * block + l] = s[p];
                    }
                    for (int l = lanes; l < block; l++)
                    {
                        for (int p = 0; p < plane; p++)
                            d[(long)p * block + l] = 0;
                    }
                }
            }
        }
    }

    /// <summary>Blocked <paramref name="src"/> back to NCHW <paramref name="dst"/> (the padding lanes dropped).</summary>
    public static void ToNchw(ReadOnlySpan<float> src, Span<float> dst, int batch, int channels, int plane, int block)
    {
        int blocks = (channels + block - 1) / block;
        Check(dst.Length, src.Length, batch, channels, plane, block);
        fixed (float* ps = src)
        fixed (float* pd = dst)
        {
            for (int n = 0; n < batch; n++)
            {
                for (int b = 0; b < blocks; b++)
                {
                    float* s = ps + ((long)n * blocks + b) * plane * block;
                    int lanes = Math.Min(block, channels - b * block);
                    for (int l = 0; l < lanes; l++)
                    {
                        float* d = pd + ((long)n * channels + b * block + l) * plane;
                        for (int p = 0; p < plane; p++)
                            d[p] = s[(long)p * block + l];
                    }
                }
            }
        }
    }

    static void Check(int nchwLength, int blockedLength, int batch, int channels, int plane, int block)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(block, 1);
        if (nchwLength < (long)batch * channels * plane)
            throw new ArgumentException($"NCHW side of {batch}x{channels}x{plane} needs more than {nchwLength} floats");
        if (blockedLength < (long)batch * ((channels + block - 1) / block * block) * plane)
            throw new ArgumentException($"blocked side of {batch}x{channels}x{plane} (block {block}) needs more than {blockedLength} floats");
    }
}
