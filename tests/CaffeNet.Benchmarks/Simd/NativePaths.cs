using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Benchmarks.Simd;

static class NativePaths
{
    /// <summary>The paths this machine runs natively (an emulated Vector512 says nothing about speed).</summary>
    public static IEnumerable<SimdPath> All()
    {
        yield return SimdPath.Scalar;
        if (Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported)
            yield return SimdPath.Vector256;
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
            yield return SimdPath.Vector512;
    }
}
