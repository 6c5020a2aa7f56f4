using CaffeNet.Runtime.Simd;

namespace CaffeNet.Tests.Runtime.Simd;

public class SgemmTests
{
    static readonly int[] Sizes = [1, 7, 17, 31, 64, 100, 257];

    public static TheoryData<TestedPath, int, int> PathsAndSizes()
    {
        var data = new TheoryData<TestedPath, int, int>();
        foreach (var path in Enum.GetValues<SimdPath>())
            foreach (int m in Sizes)
                foreach (int k in Sizes)
                    data.Add((TestedPath)path, m, k);
        return data;
    }

    /// <summary>Each epilogue in turn, so that every size meets several of them.</summary>
    static (bool Bias, bool Residual, Activation Activation) Epilogue(int variant) => (variant % 4) switch
    {
        0 => (false, false, Activation.None),
        1 => (true, false, Activation.Relu),
        2 => (true, true, Activation.None),
        _ => (false, true, Activation.Clamp(-0.5f, 0.25f)),
    };

    [Theory]
    [MemberData(nameof(PathsAndSizes))]
    public void Prepacked_matches_the_reference_on_odd_sizes(TestedPath tested, int m, int k)
    {
        var path = (SimdPath)tested;
        foreach (int n in Sizes)
        {
            // The largest combinations add run time, not coverage (257 x 257 x 64 stays: 2 K blocks, edges).
            if ((long)m * n * k > 257L * 257 * 64)
                continue;
            // Leading dimensions wider than the rows, to catch code that assumes dense matrices.
            int lda = k + 3, ldb = n + 1, ldc = n + 2, ldr = n + 5;
            var (withBias, withResidual, activation) = Epilogue(m + n + k);
            var a = Reference.Random(m * lda, 1);
            var b = Reference.Random(k * ldb, 2);
            var bias = withBias ? Reference.Random(m, 3) : null;
            var residual = withResidual ? Reference.Random(m * ldr, 4) : null;
            // C's row gaps and a tail past its end hold a guard value no kernel may touch.
            int size = (m - 1) * ldc + n;
            var c = Enumerable.Repeat(-12345f, m * ldc + 64).ToArray();

            var packed = PackedMatrix.Pack(a, m, k, lda, false, path);
            Sgemm.Multiply(packed, b, ldb, c.AsSpan(0, size), ldc, n, bias, residual, withResidual ? ldr : 0, activation);
            for (int i = 0; i < c.Length; i++)
                if (i >= size || i % ldc >= n)
                    Assert.True(c[i] == -12345f, $"{path} M={m} N={n} K={k}: wrote outside C at {i}");

            string? error = Reference.CheckGemm(m, n, k, a, lda, b, ldb, false, c, ldc, bias, residual, ldr,
                activation.Min, activation.Max);
            Assert.True(error == null, $"{path} M={m} N={n} K={k} {activation}: {error}");
        }
    }

    [Theory]
    [InlineData(TestedPath.Scalar)]
    [InlineData(TestedPath.Vector256)]
    [InlineData(TestedPath.Vector512)]
    public void Several_k_blocks_carry_bias_residual_and_clamp_once(TestedPath tested)
    {
        var path = (SimdPath)tested;
        // K = 700 is three K blocks: bias must be added once, residual and clamp only at the end.
        int m = 13, n = 37, k = 700;
        var a = Reference.Random(m * k, 5);
        var b = Reference.Random(k * n, 6);
        var bias = Reference.Random(m, 7);
        var residual = Reference.Random(m * n, 8);
        var c = new float[m * n];
        Sgemm.Multiply(PackedMatrix.Pack(a, m, k, k, false, path), b, n, c, n, n, bias, residual, n, Activation.Clamp(-3f, 2f));
        Assert.Null(Reference.CheckGemm(m, n, k, a, k, b, n, false, c, n, bias, residual, n, -3f, 2f));
    }

    [Theory]
    [InlineData(TestedPath.Scalar)]
    [InlineData(TestedPath.Vector256)]
    [InlineData(TestedPath.Vector512)]
    public void Transposed_operands_match_the_reference(TestedPath tested)
    {
        var path = (SimdPath)tested;
        // An InnerProduct: W (M x K) times a batch of input rows (N x K), and A given as K x M.
        int m = 31, n = 7, k = 100;
        var a = Reference.Random(m * k, 9);
        var aTransposed = new float[k * m];
        for (int i = 0; i < m; i++)
            for (int p = 0; p < k; p++)
                aTransposed[p * m + i] = a[i * k + p];
        var x = Reference.Random(n * k, 10);
        var c = new float[m * n];
        Sgemm.Multiply(PackedMatrix.Pack(aTransposed, m, k, m, true, path), x, k, c, n, n, transposeB: true);
        Assert.Null(Reference.CheckGemm(m, n, k, a, k, x, k, true, c, n, null, null, 0, float.NegativeInfinity, float.PositiveInfinity));
    }

    [Theory]
    [InlineData(TestedPath.Scalar)]
    [InlineData(TestedPath.Vector256)]
    [InlineData(TestedPath.Vector512)]
    public void Unpacked_a_matches_the_reference(TestedPath tested)
    {
        var path = (SimdPath)tested;
        int m = 17, n = 64, k = 31;
        var a = Reference.Random(m * k, 11);
        var b = Reference.Random(k * n, 12);
        var bias = Reference.Random(m, 13);
        var c = new float[m * n];
        Sgemm.Multiply(path, a, k, m, k, b, n, c, n, n, bias, activation: Activation.Relu);
        Assert.Null(Reference.CheckGemm(m, n, k, a, k, b, n, false, c, n, bias, null, 0, 0f, float.PositiveInfinity));
    }

    [Fact]
    public void Relu_zeroes_negative_sums_exactly()
    {
        // 1x1 "convolution" of one channel: w = -1, so every output is -x before ReLU.
        var b = new float[] { 1f, -2f, 3f, -4f, 0.5f };
        var c = new float[5];
        Sgemm.Multiply(PackedMatrix.Pack([-1f], 1, 1, 1), b, 5, c, 5, 5, bias: [0.25f], activation: Activation.Relu);
        Assert.Equal([0f, 2.25f, 0f, 4.25f, 0f], c);
    }

    public static TheoryData<TestedPath, int, int, int> ThreadedShapes() => new()
    {
        { TestedPath.Vector256, 96, 16 * 112 + 5, 16 }, // many columns: split over N
        { TestedPath.Vector256, 160, 49, 300 },         // few columns: split over M, two K blocks
        { TestedPath.Vector256, 20, 16 * 40 + 7, 300 },  // B read in place over two K blocks, packed ragged strip
        { TestedPath.Vector512, 13, 32 * 9 + 1, 40 },    // the same with AVX-512 strips and one narrow column
        { TestedPath.Vector512, 40, 200, 17 },
        { TestedPath.Scalar, 31, 33, 9 },
    };

    [Theory]
    [MemberData(nameof(ThreadedShapes))]
    public void Threads_give_bitwise_the_single_threaded_result(TestedPath tested, int m, int n, int k)
    {
        var path = (SimdPath)tested;
        var a = Reference.Random(m * k, 14);
        var b = Reference.Random(k * n, 15);
        var bias = Reference.Random(m, 16);
        var residual = Reference.Random(m * n, 17);
        var packed = PackedMatrix.Pack(a, m, k, k, false, path);
        var single = new float[m * n];
        Sgemm.Multiply(packed, b, n, single, n, n, bias, residual, n, Activation.Relu);
        Assert.Null(Reference.CheckGemm(m, n, k, a, k, b, n, false, single, n, bias, residual, n,
            Activation.Relu.Min, Activation.Relu.Max));
        foreach (int threads in new[] { 2, 3 })
        {
            using var pool = new WorkerPool(threads);
            var multi = new float[m * n];
            Sgemm.Multiply(packed, b, n, multi, n, n, bias, residual, n, Activation.Relu, pool: pool);
            Assert.Equal(single, multi);
        }
    }

    [Theory]
    [InlineData(TestedPath.Vector256, 3, 40, 49, 24)]      // few columns per image
    [InlineData(TestedPath.Vector256, 8, 24, 16 * 14 + 3, 32)]
    [InlineData(TestedPath.Scalar, 5, 7, 9, 11)]
    public void A_batch_equals_one_product_per_image_at_any_thread_count(TestedPath tested, int batch, int m, int n, int k)
    {
        var path = (SimdPath)tested;
        // Images spaced wider than they are, to catch code that assumes packed images.
        long strideB = k * n + 3, strideC = m * n + 5;
        var a = Reference.Random(m * k, 21);
        var b = Reference.Random((int)(batch * strideB), 22);
        var bias = Reference.Random(m, 23);
        var residual = Reference.Random((int)(batch * strideC), 24);
        var packed = PackedMatrix.Pack(a, m, k, k, false, path);
        var expected = new float[batch * strideC];
        for (int i = 0; i < batch; i++)
            Sgemm.Multiply(packed, b.AsSpan((int)(i * strideB), k * n), n, expected.AsSpan((int)(i * strideC), m * n), n, n, bias,
                residual.AsSpan((int)(i * strideC), m * n), n, Activation.Relu);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var pool = threads > 1 ? new WorkerPool(threads) : null;
            var c = new float[batch * strideC];
            Sgemm.Multiply(packed, b, n, c, n, n, bias, residual, n, Activation.Relu, pool: pool,
                batch: new GemmBatch(batch, strideB, strideC));
            Assert.Equal(expected, c);
        }
        Assert.Throws<ArgumentException>(() => Sgemm.Multiply(packed, b, n, new float[batch * strideC - 6], n, n,
            batch: new GemmBatch(batch, strideB, strideC)));
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        var packed = PackedMatrix.Pack(new float[6], 2, 3, 3);
        var c = new float[8];
        Assert.Throws<ArgumentException>(() => Sgemm.Multiply(packed, new float[11], 4, c, 4, 4));      // B needs 12
        Assert.Throws<ArgumentException>(() => Sgemm.Multiply(packed, new float[12], 4, new float[7], 4, 4));
        Assert.Throws<ArgumentException>(() => Sgemm.Multiply(packed, new float[12], 4, c, 4, 4, bias: new float[1]));
        Assert.Throws<ArgumentException>(() => Sgemm.Multiply(packed, c, 4, c, 4, 4));                  // B is C
        Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.Multiply(packed, new float[12], 3, c, 4, 4));
    }
}
