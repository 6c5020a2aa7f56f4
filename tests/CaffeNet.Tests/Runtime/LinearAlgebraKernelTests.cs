using CaffeNet.Runtime;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Tests.Runtime;

public class LinearAlgebraKernelTests
{
    [Fact]
    public void GemmInEveryLayout()
    {
        // A = [[1, 2], [3, 4]], B = [[5, 6, 7], [8, 9, 10]] → AB = [[21, 24, 27], [47, 54, 61]]
        float[] a = [1, 2, 3, 4], aT = [1, 3, 2, 4];
        float[] b = [5, 6, 7, 8, 9, 10], bT = [5, 8, 6, 9, 7, 10];
        float[] expected = [21, 24, 27, 47, 54, 61];
        var c = new float[6];
        Gemm.Multiply(2, 3, 2, a, false, b, false, c);
        T.Close(expected, c);
        Gemm.Multiply(2, 3, 2, aT, true, b, false, c);
        T.Close(expected, c);
        Gemm.Multiply(2, 3, 2, a, false, bT, true, c);
        T.Close(expected, c);
        // accumulate adds onto what is there
        Gemm.Multiply(2, 3, 2, a, false, b, false, c, accumulate: true);
        T.Close([42, 48, 54, 94, 108, 122], c);
    }

    [Fact]
    public void GemmAcrossBlockBoundaries()
    {
        // Sizes past the 64/256 blocks: compare with a direct triple loop in double.
        int m = 3, n = 300, k = 130;
        var a = T.Random([m, k], 11).Span.ToArray();
        var b = T.Random([k, n], 12).Span.ToArray();
        var expected = new float[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                    s += (double)a[i * k + p] * b[p * n + j];
                expected[i * n + j] = (float)s;
            }
        var c = new float[m * n];
        Gemm.Multiply(m, n, k, a, false, b, false, c);
        T.Close(expected, c, 1e-4f);
    }

    [Fact]
    public void InnerProductWithBiasAndTransposedWeights()
    {
        // x = [[1, 2, 3], [4, 5, 6]]; W = [[1, 0, −1], [0.5, 0.5, 0.5]]; b = [1, −1]
        // row 0: 1 − 3 + 1 = −1, 0.5·6 − 1 = 2; row 1: 4 − 6 + 1 = −1, 0.5·15 − 1 = 6.5
        var x = T.Of([2, 3], 1, 2, 3, 4, 5, 6);
        var p = new InnerProductParams(2);
        var output = new Tensor(InnerProduct.OutputShape(x.Shape, p));
        InnerProduct.Forward(x, [1, 0, -1, 0.5f, 0.5f, 0.5f], [1, -1], p, output);
        T.Close([-1, 2, -1, 6.5f], output);
        // transpose: the same W stored as [K, N] = Wᵀ
        var pT = p with { Transpose = true };
        Assert.Equal([3, 2], InnerProduct.WeightShape(x.Shape, pT));
        InnerProduct.Forward(x, [1, 0.5f, 0, 0.5f, -1, 0.5f], [1, -1], pT, output);
        T.Close([-1, 2, -1, 6.5f], output);
    }

    [Fact]
    public void InnerProductAxisKeepsTheLeadingAxes()
    {
        // [2, 2, 3] with axis 2: four vectors of 3; weights sum them; no bias
        var x = T.Iota([2, 2, 3]);
        var p = new InnerProductParams(1, Axis: 2);
        var output = new Tensor(InnerProduct.OutputShape(x.Shape, p));
        Assert.Equal([2, 2, 1], output.Shape);
        InnerProduct.Forward(x, [1, 1, 1], [], p, output);
        T.Close([3, 12, 21, 30], output);
        // The default axis 1 flattens C·H·W.
        Assert.Equal([2, 10], InnerProduct.OutputShape([2, 3, 4, 5], new InnerProductParams(10)));
        Assert.Equal([10, 60], InnerProduct.WeightShape([2, 3, 4, 5], new InnerProductParams(10)));
    }

    [Fact]
    public void SoftmaxAlongAnAxisWithPositionsAfterIt()
    {
        // [2, 3, 2], axis 1: three classes at each of 2 × 2 (item, position) places.
        float l2 = MathF.Log(2), l3 = MathF.Log(3), l5 = MathF.Log(5);
        var x = T.Of([2, 3, 2],
            0, l3, l2, 0, l5, 0,      // item 0: position 0 sees 0, ln2, ln5; position 1 sees ln3, 0, 0
            10, 0, 10, 0, 10, l2);    // item 1: 10, 10, 10 and 0, 0, ln2
        var output = new Tensor(x.Shape);
        Softmax.Forward(x, new SoftmaxParams(), output);
        // e: 1, 2, 5 → /8; 3, 1, 1 → /5; equal → 1/3 each; 1, 1, 2 → /4
        T.Close([0.125f, 0.6f, 0.25f, 0.2f, 0.625f, 0.2f, 1 / 3f, 0.25f, 1 / 3f, 0.25f, 1 / 3f, 0.5f], output, 1e-6f);
    }

    [Fact]
    public void SoftmaxOnTheLastAxis()
    {
        var x = T.Of([2, 2], 0, MathF.Log(4), MathF.Log(9), 0);
        var output = new Tensor(x.Shape);
        Softmax.Forward(x, new SoftmaxParams(Axis: -1), output);
        T.Close([0.2f, 0.8f, 0.9f, 0.1f], output, 1e-6f);
    }

    [Fact]
    public void LRNAcrossChannels()
    {
        // One pixel, channels 1, 2, 3; n = 3, α = 3 (α/n = 1), k = 2, β = 0.5:
        // scale = 2 + (1+4) = 7, 2 + (1+4+9) = 16, 2 + (4+9) = 15
        var x = T.Of([1, 3, 1, 1], 1, 2, 3);
        var output = new Tensor(x.Shape);
        LRN.Forward(x, new LRNParams(3, 3, 0.5f, 2), output);
        T.Close([1 / MathF.Sqrt(7), 2 / 4f, 3 / MathF.Sqrt(15)], output, 1e-6f);
    }

    [Fact]
    public void LRNWithinChannelDividesByTheWholeSquareAndIgnoresK()
    {
        // One 1x3 plane 1, 2, 3; n = 3 so each window is 3x3 (9 places, zero-padded); α = 9 (α/9 = 1),
        // β = 1: scale = 1 + (1+4), 1 + (1+4+9), 1 + (4+9) = 6, 15, 14. k = 100 plays no part.
        var x = T.Of([1, 1, 1, 3], 1, 2, 3);
        var output = new Tensor(x.Shape);
        LRN.Forward(x, new LRNParams(3, 9, 1, 100, LRNRegion.WithinChannel), output);
        T.Close([1 / 6f, 2 / 15f, 3 / 14f], output, 1e-6f);
    }
}
