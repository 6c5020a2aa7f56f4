namespace CaffeNet.Runtime.Kernels;

internal static class ContrastiveLoss
{
    /// <summary>
    /// BVLC's contrastive loss into the one value of <paramref name="output"/>. A label counts as
    /// "similar" when its integer part is not 0, as Caffe casts it.
    /// </summary>
    public static void Forward(in Tensor a, in Tensor b, in Tensor labels, float margin, bool legacy, Tensor output)
    {
        Require.Shape(b, a.Shape, "ContrastiveLoss b");
        Require.Length(output.Span, 1, "ContrastiveLoss output");
        int num = a.Shape[0];
        Require.Length(labels.Span, num, "ContrastiveLoss labels");
        int channels = num == 0 ? 0 : a.Count / num;
        var x = a.Span;
        var z = b.Span;
        var y = labels.Span;
        double loss = 0;
        for (int i = 0; i < num; i++)
        {
            double squared = 0;
            for (int k = i * channels; k < (i + 1) * channels; k++)
            {
                double d = x[k] - z[k];
                squared += d * d;
            }
            if ((int)y[i] != 0)
                loss += squared;
            else if (legacy)
                loss += Math.Max(margin - squared, 0);
            else
            {
                double gap = Math.Max(margin - Math.Sqrt(squared), 0);
                loss += gap * gap;
            }
        }
        output.Span[0] = (float)(loss / num / 2);
    }
}
