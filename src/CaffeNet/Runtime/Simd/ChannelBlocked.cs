using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// The channel-blocked layout NCHWc (c = <see cref="Block"/> = 8, one AVX2 vector): tensor
/// [N][ceil(C / 8)][H][W][8], the channels past C zero. A pixel's 8 channels are one vector, so
/// a depthwise kernel vectorises over channels whatever the image size or stride. Tensors stay
/// NCHW; <see cref="DepthwiseConvBlockRing"/> converts 8 planes at a time with these transposes.
/// </summary>
internal static unsafe class ChannelBlocked
{
    public const int Block = 8;

    public static int Blocks(int channels) => (channels + Block - 1) / Block;

    /// <summary>
    /// A run of pixels of 8 NCHW planes to NCHWc (AVX2): dst[x * 8 + l] = src[l * plane + x] for x
    /// below count, and zeros for x up to count rounded up to 8 (dst must have room for them).
    /// Channels from <paramref name="lanes"/> on repeat channel 0 (their outputs are dropped).
    /// </summary>
    internal static void Gather(float* src, nint plane, int lanes, int count, float* dst)
    {
        float* p0 = src;
        float* p1 = lanes > 1 ? src + plane : src;
        float* p2 = lanes > 2 ? src + 2 * plane : src;
        float* p3 = lanes > 3 ? src + 3 * plane : src;
        float* p4 = lanes > 4 ? src + 4 * plane : src;
        float* p5 = lanes > 5 ? src + 5 * plane : src;
        float* p6 = lanes > 6 ? src + 6 * plane : src;
        float* p7 = lanes > 7 ? src + 7 * plane : src;
        int x = 0;
        for (; x + Block <= count; x += Block)
            Transpose(Vector256.Load(p0 + x), Vector256.Load(p1 + x), Vector256.Load(p2 + x), Vector256.Load(p3 + x),
                Vector256.Load(p4 + x), Vector256.Load(p5 + x), Vector256.Load(p6 + x), Vector256.Load(p7 + x), dst + x * Block, Block);
        if (x == count)
            return;
        // The last few pixels: masked loads, so nothing past the run is read, and the lanes past it are zeros.
        var mask = TailMask(count - x);
        Transpose(Avx.MaskLoad(p0 + x, mask), Avx.MaskLoad(p1 + x, mask), Avx.MaskLoad(p2 + x, mask), Avx.MaskLoad(p3 + x, mask),
            Avx.MaskLoad(p4 + x, mask), Avx.MaskLoad(p5 + x, mask), Avx.MaskLoad(p6 + x, mask), Avx.MaskLoad(p7 + x, mask),
            dst + x * Block, Block);
    }

    /// <summary>
    /// NCHWc pixels back to a run of 8 NCHW planes (AVX2): dst[l * plane + x] = src[x * 8 + l] for x
    /// below count and l below lanes; src is read up to count rounded up to 8 pixels. Unless
    /// <paramref name="exact"/>, the last partial vector of each plane is stored whole: the caller
    /// overwrites what spills past the run later.
    /// </summary>
    internal static void Scatter(float* src, int count, float* dst, nint plane, int lanes, bool exact)
    {
        int x = 0;
        if (lanes == Block && (count >= Block || !exact))
        {
            for (; x < count; x += Block)
            {
                // An exact end is the run's last 8 pixels, overlapping the chunk before (same values).
                if (exact && x > count - Block)
                    x = count - Block;
                float* s = src + x * Block;
                Transpose(Vector256.Load(s), Vector256.Load(s + Block), Vector256.Load(s + 2 * Block), Vector256.Load(s + 3 * Block),
                    Vector256.Load(s + 4 * Block), Vector256.Load(s + 5 * Block), Vector256.Load(s + 6 * Block),
                    Vector256.Load(s + 7 * Block), dst + x, plane);
            }
            return;
        }
        // Missing channels, or an exact run of under 8 pixels: transpose into a buffer, store what exists.
        var t = stackalloc float[Block * Block];
        for (; x < count; x += Block)
        {
            float* s = src + x * Block;
            Transpose(Vector256.Load(s), Vector256.Load(s + Block), Vector256.Load(s + 2 * Block), Vector256.Load(s + 3 * Block),
                Vector256.Load(s + 4 * Block), Vector256.Load(s + 5 * Block), Vector256.Load(s + 6 * Block),
                Vector256.Load(s + 7 * Block), t, Block);
            int n = count - x;
            if (n >= Block)
            {
                for (int l = 0; l < lanes; l++)
                    Vector256.Store(Vector256.Load(t + l * Block), dst + l * plane + x);
            }
            else
            {
                var mask = TailMask(n);
                for (int l = 0; l < lanes; l++)
                    Avx.MaskStore(dst + l * plane + x, mask, Vector256.Load(t + l * Block));
            }
        }
    }

    /// <summary>The first n of 8 lanes set.</summary>
    static Vector256<float> TailMask(int n) =>
        Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(n)).AsSingle();

    /// <summary>8x8 transpose in registers: column j of the rows r0..r7 is stored at d + j * stride.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7, float* d, nint stride)
    {
        // Pairs of rows interleaved, then 4-row groups within 128-bit lanes, then the lanes swapped.
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Vector256.Store(Avx.Permute2x128(u0, u4, 0x20), d);
        Vector256.Store(Avx.Permute2x128(u1, u5, 0x20), d + stride);
        Vector256.Store(Avx.Permute2x128(u2, u6, 0x20), d + 2 * stride);
        Vector256.Store(Avx.Permute2x128(u3, u7, 0x20), d + 3 * stride);
        Vector256.Store(Avx.Permute2x128(u0, u4, 0x31), d + 4 * stride);
        Vector256.Store(Avx.Permute2x128(u1, u5, 0x31), d + 5 * stride);
        Vector256.Store(Avx.Permute2x128(u2, u6, 0x31), d + 6 * stride);
        Vector256.Store(Avx.Permute2x128(u3, u7, 0x31), d + 7 * stride);
    }
}
