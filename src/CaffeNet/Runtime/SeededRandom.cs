using System.Runtime.CompilerServices;
using System.Text;

namespace CaffeNet.Runtime;

/// <summary>
/// A seeded random stream (xoshiro256**) whose values are the same on every run and platform:
/// only integer arithmetic and IEEE-exact float operations (+ − × ÷ √) are used, including our
/// own logarithm for Gaussian draws, so no platform math library is involved. The values are not
/// Caffe's (Caffe draws from boost's Mersenne Twister); only the distributions match.
/// </summary>
internal sealed class SeededRandom
{
    ulong _s0, _s1, _s2, _s3;
    double? _spareGaussian;

    public SeededRandom(ulong seed)
    {
        // SplitMix64 spreads any seed, 0 included, over the 256-bit state.
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    /// <summary>
    /// An independent stream for a named purpose (for example a layer's blob), so that what one
    /// blob draws does not depend on how many values other blobs drew before it.
    /// </summary>
    public static SeededRandom ForStream(ulong seed, string name)
    {
        // FNV-1a of the UTF-8 name: stable across processes, unlike string.GetHashCode.
        ulong hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(name))
            hash = (hash ^ b) * 1099511628211UL;
        return new SeededRandom(seed ^ hash);
    }

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [min, max).</summary>
    public float Uniform(float min, float max) => (float)(min + (max - (double)min) * NextDouble());

    /// <summary>Standard normal, by Marsaglia's polar method (each accepted pair yields two values).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double NextGaussian()
    {
        if (_spareGaussian is double spare)
        {
            _spareGaussian = null;
            return spare;
        }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double factor = Math.Sqrt(-2 * Log(s) / s);
        _spareGaussian = v * factor;
        return u * factor;
    }

    public float Gaussian(float mean, float std) => (float)(mean + std * NextGaussian());

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Bernoulli(double p) => NextDouble() < p;

    /// <summary>1/1, 1/3, …, 1/25, folded by the compiler: the same doubles everywhere.</summary>
    static ReadOnlySpan<double> OddReciprocals =>
    [
        1.0, 1.0 / 3, 1.0 / 5, 1.0 / 7, 1.0 / 9, 1.0 / 11, 1.0 / 13,
        1.0 / 15, 1.0 / 17, 1.0 / 19, 1.0 / 21, 1.0 / 23, 1.0 / 25,
    ];

    static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>
    /// Natural log of a positive normal double from basic operations only:
    /// x = m·2^e with m in [√½, √2), ln m = 2·atanh(t) with t = (m − 1)/(m + 1), |t| ≤ 0.172,
    /// summed as an odd series t·Σ t^2k / (2k + 1) by Horner's rule; 13 terms bring the remainder
    /// below 2^−53 relative (t² ≤ 0.0295). Within a few ulps of the true value.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double Log(double x)
    {
        long bits = BitConverter.DoubleToInt64Bits(x);
        int exponent = (int)((bits >> 52) & 0x7FF) - 1023;
        double m = BitConverter.Int64BitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L);
        if (m > 1.4142135623730951)
        {
            m *= 0.5;
            exponent++;
        }
        double t = (m - 1) / (m + 1);
        double t2 = t * t;
        var c = OddReciprocals;
        double series = 0;
        for (int k = c.Length - 1; k >= 0; k--)
            series = series * t2 + c[k];
        double sum = t * series;
        return exponent * 0.69314718055994530942 + 2 * sum;
    }
}
