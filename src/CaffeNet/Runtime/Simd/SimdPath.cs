using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// The instruction set a kernel runs with. <see cref="SimdPaths.Best"/> is picked once from the hardware; the
/// other paths can be forced (tests run every path on any x64 machine: Vector512 code is written with
/// the portable Vector512 API, which .NET emulates where AVX-512 is missing, slowly but exactly).
/// </summary>
internal enum SimdPath
{
    Scalar,
    Vector256,
    Vector512,
}

internal static class SimdPaths
{
    /// <summary>The fastest path this machine runs natively.</summary>
    public static SimdPath Best { get; } = Detect();

    static SimdPath Detect()
    {
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Fma.IsSupported)
            return SimdPath.Vector512;
        if (Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported)
            return SimdPath.Vector256;
        return SimdPath.Scalar;
    }
}
