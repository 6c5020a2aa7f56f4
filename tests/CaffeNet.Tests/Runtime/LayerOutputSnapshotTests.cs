using System.Globalization;
using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Runtime;
using Snapshooter.Xunit;

namespace CaffeNet.Tests.Runtime;

/// <summary>
/// Every layer's output of the MobileNetV2 deploy net (seeded filler weights with BatchNorm
/// statistics calibrated on one seeded input, run on another) summarised to 4 significant digits, against a committed
/// snapshot. Four digits leave room for summation order (SIMD reassociation) to change the last
/// float bits without changing the snapshot. The mean and the sampled values are rounded to 4
/// digits of the layer's scale (its largest magnitude): a mean of 1e-9 after a BatchNorm, or a
/// sample near 0, is summation noise whose own leading digits change with the order of the sums.
/// </summary>
public class LayerOutputSnapshotTests
{
    /// <summary>One layer's output: shape, statistics and values at fixed positions, as G4 strings.</summary>
    public sealed record LayerStats(string Layer, string Type, int[] Shape, string Min, string Max, string Mean,
        string StdDev, string L2, string[] Samples);

    const int SampleCount = 8;

    [Fact]
    public void MobileNetV2DeployEveryLayer()
    {
        var graph = GraphBuilder.Build(ModelLoader.Load(TestPaths.InTestData("mobilenetv2", "deploy.prototxt"), null), LayerRegistry.Default);
        var executor = Executor.Create(graph, seed: 21);
        BatchNormCalibration.Calibrate(executor, NetInputs.Random(graph, 22));

        // Another input than the calibration's: on that one, a BatchNorm's output averages to
        // exactly 0 per channel, and the global pooling of the last block would see only noise.
        var summaries = new List<LayerStats>();
        executor.Forward(NetInputs.Random(graph, 23), (node, outputs) => summaries.Add(Summarise(node, outputs[0])));

        Assert.Equal(graph.Nodes.Count, summaries.Count);
        Snapshot.Match(summaries);
    }

    static LayerStats Summarise(Node node, in Tensor output)
    {
        var values = output.Span;
        double sum = 0, squares = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values)
        {
            sum += v;
            squares += (double)v * v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        double mean = sum / values.Length;
        double variance = 0;
        foreach (var v in values)
            variance += (v - mean) * (v - mean);
        // Positions spread evenly from the first value to the last.
        double quantum = Quantum(Math.Max(Math.Abs(min), Math.Abs(max)));
        var samples = new string[SampleCount];
        for (int i = 0; i < SampleCount; i++)
            samples[i] = AtScale(values[(int)((long)i * (values.Length - 1) / (SampleCount - 1))], quantum);
        return new LayerStats(node.Name, node.Type, output.Shape.ToArray(), G4(min), G4(max), AtScale(mean, quantum),
            G4(Math.Sqrt(variance / values.Length)), G4(Math.Sqrt(squares)), samples);
    }

    static string G4(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>The unit of the 4th significant digit of <paramref name="scale"/>.</summary>
    static double Quantum(double scale) => scale == 0 ? 1 : Math.Pow(10, Math.Floor(Math.Log10(scale)) - 3);

    static string AtScale(double value, double quantum) => G4(Math.Round(value / quantum) * quantum + 0.0);
}
