namespace CaffeNet.Runtime.Kernels;

/// <summary>Caffe's EuclideanLoss: Σ (a − b)² / (2N), N the first dimension.</summary>
internal static class EuclideanLoss
{
    public static void Forward(in Tensor a, in Tensor b, Tensor loss)
    {
        Require.Model(a.Count == b.Count, $"EuclideanLoss: inputs {a.Shape} and {b.Shape} differ in size");
        Require.Model(a.Rank > 0 && a.Shape[0] > 0, $"EuclideanLoss: input {a.Shape} has no items");
        Require.Model(loss.Count == 1, $"EuclideanLoss: loss output must hold one value, has shape {loss.Shape}");
        var x = a.Span;
        var y = b.Span;
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double d = x[i] - y[i];
            sum += d * d;
        }
        loss.Span[0] = (float)(sum / a.Shape[0] / 2);
    }
}
