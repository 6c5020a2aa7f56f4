namespace CaffeNet.Runtime.Simd;

/// <summary>
/// Which of a layer's tensors are channel-blocked (<see cref="Graph.Passes.ChannelLayout"/>) in
/// blocks of <see cref="Block"/> channels: its first input, its fused shortcut input, its output.
/// The default is NCHW throughout.
/// </summary>
internal readonly record struct BlockedIo(int Block, bool Input, bool Residual, bool Output)
{
    /// <summary>The machine's vector width in floats where the blocked kernels run natively: 16 with AVX-512, 8 with AVX2, else 0.</summary>
    public static int NativeBlock { get; } = SimdPaths.Best switch
    {
        SimdPath.Vector512 => 16,
        SimdPath.Vector256 => 8,
        _ => 0,
    };

    public bool Any => Input || Residual || Output;

    /// <summary>Refuses a block size the blocked kernels have no lanes for.</summary>
    public static void CheckBlock(int block)
    {
        if (block is not (8 or 16))
            throw new ArgumentException($"blocks of 8 or 16 channels, not {block}", nameof(block));
    }
}
