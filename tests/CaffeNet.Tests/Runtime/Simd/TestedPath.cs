using CaffeNet.Runtime.Simd;

namespace CaffeNet.Tests.Runtime.Simd;

/// <summary>
/// <see cref="SimdPath"/> as a theory parameter: the library's enum is internal, and xUnit's test
/// methods and data must be public. Same names and values; cast with <c>(SimdPath)</c>.
/// </summary>
public enum TestedPath
{
    Scalar = SimdPath.Scalar,
    Vector256 = SimdPath.Vector256,
    Vector512 = SimdPath.Vector512,
}
