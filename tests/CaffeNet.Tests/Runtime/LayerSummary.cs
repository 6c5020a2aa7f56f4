using System.Globalization;
using CaffeNet.Graph;
using CaffeNet.Runtime;

namespace CaffeNet.Tests.Runtime;

/// <summary>
/// A layer output in a few numbers for snapshots: shape, min, max, mean, standard deviation, L2
/// norm and 8 values at fixed positions, each to 4 significant digits. Numbers below 1e−4 of the
/// output's largest magnitude print as 0: they are cancellation noise (a calibrated mean, say)
/// whose digits change with the order of a sum, which faster kernels are free to change.
/// </summary>
public sealed record LayerSummary(string Layer, string Type, string Shape, string Min, string Max,
    string Mean, string Std, string L2, string[] Values)
{
    public static LayerSummary Of(Node node, Tensor output)
    {
        var v = output.Span;
        double min = double.MaxValue, max = double.MinValue, sum = 0, squares = 0;
        foreach (var x in v)
        {
            min = Math.Min(min, x);
            max = Math.Max(max, x);
            sum += x;
            squares += (double)x * x;
        }
        double mean = sum / v.Length;
        double std = Math.Sqrt(Math.Max(0, squares / v.Length - mean * mean));
        double scale = Math.Max(Math.Abs(min), Math.Abs(max));
        string F(double x) => Math.Abs(x) < 1e-4 * scale ? "0" : x.ToString("G4", CultureInfo.InvariantCulture);
        var values = new string[8];
        for (int i = 0; i < values.Length; i++)
            values[i] = F(v[(int)((long)i * (v.Length - 1) / 7)]);
        return new LayerSummary(node.Name, node.Type, output.Shape.ToString(), F(min), F(max), F(mean), F(std),
            F(Math.Sqrt(squares)), values);
    }
}
