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
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported && Fma.IsSupported && !Avx512Refused())
            return SimdPath.Vector512;
        if (Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported)
            return SimdPath.Vector256;
        return SimdPath.Scalar;
    }

    /// <summary>
    /// DOTNET_EnableAVX512F=0, the switch earlier .NET versions honoured (and this project's scripts
    /// and issues use) to get the AVX2 path: .NET 10 keeps AVX-512 on under it (its switch is now
    /// DOTNET_EnableAVX512=0), so the kernels honour it themselves and take the 256-bit path.
    /// </summary>
    static bool Avx512Refused() => Environment.GetEnvironmentVariable("DOTNET_EnableAVX512F") is "0";
}
