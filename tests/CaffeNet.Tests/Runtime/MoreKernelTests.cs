using CaffeNet.Runtime;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Tests.Runtime;

/// <summary>The layer types beyond the list that the graph also knows.</summary>
public class MoreKernelTests
{
    static float[] Run(Tensor x, Action<Tensor, Tensor> kernel)
    {
        var y = new Tensor(x.Shape);
        kernel(x, y);
        return y.ToArray();
    }

    static readonly float Ln2 = MathF.Log(2), Ln3 = MathF.Log(3);

    [Fact]
    public void ELU() =>
        // α = 0.5: e^(−ln 2) − 1 = −0.5, times 0.5
        T.Close([-0.25f, 0, 2], Run(T.Of([3], -Ln2, 0, 2), (x, y) => CaffeNet.Runtime.Kernels.ELU.Forward(x, 0.5f, y)));

    [Fact]
    public void AbsVal() => T.Close([3, 2, 0], Run(T.Of([3], -3, 2, 0), (x, y) => CaffeNet.Runtime.Kernels.AbsVal.Forward(x, y)));

    [Fact]
    public void BNLL() =>
        // log(1 + eˣ): ln 2 at 0, ln 4 at ln 3, ln(4/3) at −ln 3, ≈ x for large x
        T.Close([Ln2, MathF.Log(4), MathF.Log(4 / 3f), 100], Run(T.Of([4], 0, Ln3, -Ln3, 100), (x, y) => CaffeNet.Runtime.Kernels.BNLL.Forward(x, y)), 1e-6f);

    [Fact]
    public void Exp()
    {
        // 2^(1 + 3x): x = 1 → 16, x = 0 → 2, x = −1/3 → 1
        T.Close([16, 2, 1], Run(T.Of([3], 1, 0, -1 / 3f), (x, y) => CaffeNet.Runtime.Kernels.Exp.Forward(x, new ExpParams(2, 3, 1), y)), 1e-6f);
        T.Close([5], Run(T.Of([1], MathF.Log(5)), (x, y) => CaffeNet.Runtime.Kernels.Exp.Forward(x, new ExpParams(), y)), 1e-6f);
    }

    [Fact]
    public void Log()
    {
        // log10(2x): x = 50 → 2, x = 0.05 → −1
        T.Close([2, -1], Run(T.Of([2], 50, 0.05f), (x, y) => CaffeNet.Runtime.Kernels.Log.Forward(x, new LogParams(10, 2, 0), y)), 1e-6f);
        T.Close([1], Run(T.Of([1], MathF.E), (x, y) => CaffeNet.Runtime.Kernels.Log.Forward(x, new LogParams(), y)), 1e-6f);
        Assert.Throws<CaffeNetException>(() => Run(T.Of([1], 1), (x, y) => CaffeNet.Runtime.Kernels.Log.Forward(x, new LogParams(1), y)));
    }

    [Fact]
    public void ThresholdIsStrictlyGreater() =>
        T.Close([0, 1, 0], Run(T.Of([3], 0.5f, 0.6f, -1), (x, y) => CaffeNet.Runtime.Kernels.Threshold.Forward(x, 0.5f, y)));

    [Fact]
    public void Swish() =>
        // x·σ(x): σ(ln 3) = 3/4
        T.Close([Ln3 * 0.75f, 0], Run(T.Of([2], Ln3, 0), (x, y) => CaffeNet.Runtime.Kernels.Swish.Forward(x, 1, y)), 1e-6f);

    [Fact]
    public void CropFromOffsets()
    {
        // 4x4 grid 0..15 cut to 2x3: offsets (1, 0) take rows 1–2, columns 0–2
        var x = T.Iota([1, 1, 4, 4]);
        var p = new CropParams(2, [1, 0]);
        var y = new Tensor(Crop.OutputShape(x.Shape, [5, 5, 2, 3], p));
        Assert.Equal([1, 1, 2, 3], y.Shape);
        Crop.Forward(x, [5, 5, 2, 3], p, y);
        T.Close([4, 5, 6, 8, 9, 10], y);
        // one offset for every cropped axis: rows 1–2, columns 1–3
        Crop.Forward(x, [1, 1, 2, 3], p with { Offsets = [1] }, y);
        T.Close([5, 6, 7, 9, 10, 11], y);
        Assert.Throws<CaffeNetException>(() => Crop.OutputShape(x.Shape, [1, 1, 2, 3], p with { Offsets = [2, 2] }));
    }

    [Fact]
    public void PermuteMovesAxes()
    {
        var y = new Tensor([3, 2]);
        Permute.Forward(T.Iota([2, 3]), new PermuteParams([1, 0]), y);
        T.Close([0, 3, 1, 4, 2, 5], y);
        // [2, 2, 3] with order (2, 0, 1): out[k, i, j] = in[i, j, k] = 6i + 3j + k
        var z = new Tensor([3, 2, 2]);
        Permute.Forward(T.Iota([2, 2, 3]), new PermuteParams([2, 0, 1]), z);
        T.Close([0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11], z);
        Assert.Throws<CaffeNetException>(() => Permute.OutputShape([2, 3], new PermuteParams([0, 0])));
    }

    [Fact]
    public void ArgMaxBreaksTiesTowardTheLargerIndex()
    {
        // row 0: 1, 5, 5, 2 → indices 2, 1 (tied 5s, larger index first); row 1: 0, −1, 3, 2 → 2, 3
        var x = T.Of([2, 4], 1, 5, 5, 2, 0, -1, 3, 2);
        var p = new ArgMaxParams(TopK: 2);
        var y = new Tensor(ArgMax.OutputShape(x.Shape, p));
        Assert.Equal([2, 1, 2], y.Shape);
        ArgMax.Forward(x, p, y);
        T.Close([2, 1, 2, 3], y);
        // with out_max_val and no axis: indices then values per item
        var pv = p with { OutMaxVal = true };
        var yv = new Tensor(ArgMax.OutputShape(x.Shape, pv));
        Assert.Equal([2, 2, 2], yv.Shape);
        ArgMax.Forward(x, pv, yv);
        T.Close([2, 1, 5, 5, 2, 3, 3, 2], yv);
        // along axis 1, top 1: the values with out_max_val
        var pa = new ArgMaxParams(true, 1, 1);
        var ya = new Tensor(ArgMax.OutputShape(x.Shape, pa));
        Assert.Equal([2, 1], ya.Shape);
        ArgMax.Forward(x, pa, ya);
        T.Close([5, 3], ya);
    }

    [Fact]
    public void ArgMaxAlongAnAxisWithPositionsAfterIt()
    {
        // [1, 3, 2]: along axis 1 at each of 2 positions: (0, 5, 2) → 1, (4, 1, 3) → 0
        var x = T.Of([1, 3, 2], 0, 4, 5, 1, 2, 3);
        var y = new Tensor([1, 1, 2]);
        ArgMax.Forward(x, new ArgMaxParams(Axis: 1), y);
        T.Close([1, 0], y);
    }

    [Fact]
    public void EuclideanLossIsHalfTheMeanSquaredDistancePerItem()
    {
        // differences 0, 2, 3, 0: 13 / 2 items / 2
        var loss = new Tensor([]);
        EuclideanLoss.Forward(T.Of([2, 2], 1, 2, 3, 4), T.Of([2, 2], 1, 0, 0, 4), loss);
        Assert.Equal(3.25f, loss.Span[0]);
    }

    [Fact]
    public void SigmoidCrossEntropy()
    {
        // x = 0 with target 1: −log σ(0) = ln 2; x = ln 3 with target 0: −log(1 − 3/4) = ln 4
        var x = T.Of([2, 1], 0, Ln3);
        var t = T.Of([2, 1], 1, 0);
        var loss = new Tensor([]);
        SigmoidCrossEntropyLoss.Forward(x, t, new SigmoidCrossEntropyLossParams(), loss);
        Assert.Equal(MathF.Log(8) / 2, loss.Span[0], 5);
        SigmoidCrossEntropyLoss.Forward(x, t, new SigmoidCrossEntropyLossParams(IgnoreLabel: 0, LossNormalization.Valid), loss);
        Assert.Equal(Ln2, loss.Span[0], 5);
        // Caffe's default for this layer divides by the batch (2), ignored positions or not.
        SigmoidCrossEntropyLoss.Forward(x, t, new SigmoidCrossEntropyLossParams(IgnoreLabel: 0), loss);
        Assert.Equal(Ln2 / 2, loss.Span[0], 5);
        SigmoidCrossEntropyLoss.Forward(x, t, new SigmoidCrossEntropyLossParams(null, LossNormalization.None), loss);
        Assert.Equal(MathF.Log(8), loss.Span[0], 5);
    }
}
