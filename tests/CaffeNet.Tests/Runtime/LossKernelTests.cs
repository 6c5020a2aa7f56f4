using CaffeNet.Runtime;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Tests.Runtime;

public class LossKernelTests
{
    // Two items, two classes: softmax([0, ln 3]) = [0.25, 0.75], softmax([ln 4, 0]) = [0.8, 0.2].
    static readonly Tensor Scores = T.Of([2, 2], 0, MathF.Log(3), MathF.Log(4), 0);

    static float Loss(Tensor labels, SoftmaxWithLossParams p, Tensor? probabilities = null)
    {
        var loss = new Tensor([]);
        SoftmaxWithLoss.Forward(Scores, labels, p, loss, probabilities ?? new Tensor(Scores.Shape));
        return loss.Span[0];
    }

    [Fact]
    public void LossAveragesNegativeLogProbabilityOfTheLabel()
    {
        // labels 1, 1: −ln 0.75 − ln 0.2 = ln(4/3) + ln 5, averaged over 2 valid labels
        var probabilities = new Tensor(Scores.Shape);
        float loss = Loss(T.Of([2], 1, 1), new SoftmaxWithLossParams(), probabilities);
        Assert.Equal((MathF.Log(4 / 3f) + MathF.Log(5)) / 2, loss, 5);
        T.Close([0.25f, 0.75f, 0.8f, 0.2f], probabilities, 1e-6f);
    }

    [Theory]
    [InlineData(nameof(LossNormalization.Valid), 1)]     // one label left after ignoring
    [InlineData(nameof(LossNormalization.Full), 2)]      // every label position
    [InlineData(nameof(LossNormalization.BatchSize), 2)] // two items
    [InlineData(nameof(LossNormalization.None), 1)]
    public void IgnoredLabelsAndNormalization(string normalization, float divisor)
    {
        var mode = Enum.Parse<LossNormalization>(normalization);
        // labels 1, 0 with 0 ignored: only item 0 counts, −ln 0.75 = ln(4/3)
        float loss = Loss(T.Of([2], 1, 0), new SoftmaxWithLossParams(IgnoreLabel: 0, Normalization: mode));
        Assert.Equal(MathF.Log(4 / 3f) / divisor, loss, 5);
    }

    [Fact]
    public void NothingValidGivesZeroNotNaN() =>
        Assert.Equal(0, Loss(T.Of([2], 0, 0), new SoftmaxWithLossParams(IgnoreLabel: 0)));

    [Fact]
    public void OneLabelPerSpatialPosition()
    {
        // [1, 2, 2]: classes on axis 1, two positions: (0, ln 3) → 0.25/0.75, (0, 0) → 0.5/0.5.
        // labels 0, 1: −ln 0.25 − ln 0.5 = ln 8, over 2 positions.
        var scores = T.Of([1, 2, 2], 0, 0, MathF.Log(3), 0);
        var loss = new Tensor([]);
        SoftmaxWithLoss.Forward(scores, T.Of([1, 2], 0, 1), new SoftmaxWithLossParams(), loss, new Tensor(scores.Shape));
        Assert.Equal(MathF.Log(8) / 2, loss.Span[0], 5);
    }

    [Fact]
    public void ALabelOutOfRangeIsAnError()
    {
        var e = Assert.Throws<CaffeNetException>(() => Loss(T.Of([2], 1, 2), new SoftmaxWithLossParams()));
        Assert.Contains("label 2", e.Message);
    }

    // Rows: [0.1, 0.7, 0.2] label 1 (best); [0.5, 0.3, 0.2] label 2 (third); [0.4, 0.4, 0.2] label 1
    // (tied with class 0, so one class is at least as high: second).
    static readonly Tensor Probabilities = T.Of([3, 3], 0.1f, 0.7f, 0.2f, 0.5f, 0.3f, 0.2f, 0.4f, 0.4f, 0.2f);
    static readonly Tensor Labels = T.Of([3], 1, 2, 1);

    [Theory]
    [InlineData(1, 1 / 3f)]
    [InlineData(2, 2 / 3f)]
    [InlineData(3, 1f)]
    public void AccuracyCountsTrueClassesWithinTopK(int k, float expected)
    {
        var accuracy = new Tensor([]);
        Accuracy.Forward(Probabilities, Labels, new AccuracyParams(TopK: k), accuracy, []);
        Assert.Equal(expected, accuracy.Span[0], 6);
    }

    [Fact]
    public void AccuracyPerClassAndIgnoredLabel()
    {
        var accuracy = new Tensor([]);
        var perClass = new float[3];
        Accuracy.Forward(Probabilities, Labels, new AccuracyParams(), accuracy, perClass);
        // class 0 never labelled: 0; class 1: one hit of two; class 2: none of one
        T.Close([0, 0.5f, 0], perClass);
        // ignoring label 2 leaves rows 0 and 2: one hit of two
        Accuracy.Forward(Probabilities, Labels, new AccuracyParams(IgnoreLabel: 2), accuracy, []);
        Assert.Equal(0.5f, accuracy.Span[0]);
    }
}
