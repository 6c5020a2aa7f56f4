using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace CaffeNet.Benchmarks.Simd;

/// <summary>
/// The machine's practical FMA peak on one core: 12 independent chains of 256-bit FMAs (enough to
/// cover 4-cycle latency on two pipes), so kernel GFLOP/s can be read as a fraction of it.
/// </summary>
[Config(typeof(KernelConfig))]
public class PeakFmaBenchmark : IFlopCount
{
    const int Steps = 1_000_000;

    public double Flops => Steps * 12.0 * Vector256<float>.Count * 2;

    [Benchmark]
    public float Fma256()
    {
        var a0 = Vector256.Create(1f); var a1 = a0; var a2 = a0; var a3 = a0; var a4 = a0; var a5 = a0;
        var a6 = a0; var a7 = a0; var a8 = a0; var a9 = a0; var a10 = a0; var a11 = a0;
        var x = Vector256.Create(0.999999f);
        var y = Vector256.Create(0.000001f);
        for (int i = 0; i < Steps; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, x, y); a1 = Vector256.FusedMultiplyAdd(a1, x, y);
            a2 = Vector256.FusedMultiplyAdd(a2, x, y); a3 = Vector256.FusedMultiplyAdd(a3, x, y);
            a4 = Vector256.FusedMultiplyAdd(a4, x, y); a5 = Vector256.FusedMultiplyAdd(a5, x, y);
            a6 = Vector256.FusedMultiplyAdd(a6, x, y); a7 = Vector256.FusedMultiplyAdd(a7, x, y);
            a8 = Vector256.FusedMultiplyAdd(a8, x, y); a9 = Vector256.FusedMultiplyAdd(a9, x, y);
            a10 = Vector256.FusedMultiplyAdd(a10, x, y); a11 = Vector256.FusedMultiplyAdd(a11, x, y);
        }
        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).GetElement(0);
    }
}
