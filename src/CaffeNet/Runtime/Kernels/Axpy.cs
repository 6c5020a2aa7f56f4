namespace CaffeNet.Runtime.Kernels;

internal static class Axpy
{
    /// <summary>out = a[n, c] * x[n, c, ...] + y[n, c, ...]; element by element, so out may share storage with x or y.</summary>
    public static void Forward(in Tensor a, in Tensor x, in Tensor y, Tensor output)
    {
        Require.Shape(y, x.Shape, "Axpy y");
        Require.Shape(output, x.Shape, "Axpy output");
        int planes = x.Shape[0] * x.Shape[1];
        Require.Length(a.Span, planes, "Axpy scale");
        int plane = planes == 0 ? 0 : x.Count / planes;
        var scale = a.Span;
        var xs = x.Span;
        var ys = y.Span;
        var dst = output.Span;
        for (int p = 0; p < planes; p++)
        {
            float s = scale[p];
            for (int i = p * plane, end = i + plane; i < end; i++)
                dst[i] = s * xs[i] + ys[i];
        }
    }
}
