using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Proto;
using CaffeNet.Runtime;
using CaffeNet.Tests.Graph;

namespace CaffeNet.Tests.Runtime;

/// <summary>The fused, fast executor against the hand-worked values and the reference path.</summary>
public class FusedExecutorTests
{
    static BlobProto Blob(params float[] values)
    {
        var blob = new BlobProto { Shape = new BlobShape { Dim = { values.Length } } };
        blob.Data.AddRange(values);
        return blob;
    }

    static NetGraph ConvBnScaleRelu(float factor)
    {
        // 1x1 conv, one channel: weight 2, bias 1. BatchNorm sums: mean 4, var 8, factor as given.
        // Scale: γ = 2, β = 1. ReLU after.
        var conv = Nets.Layer("conv", "Convolution", "data", "c");
        conv.ConvolutionParam = new ConvolutionParameter { NumOutput = 1, KernelSize = { 1 } };
        conv.Blobs.Add(new BlobProto { Shape = new BlobShape { Dim = { 1, 1, 1, 1 } }, Data = { 2 } });
        conv.Blobs.Add(Blob(1));
        var bn = Nets.Layer("bn", "BatchNorm", "c", "c");
        bn.BatchNormParam = new BatchNormParameter { Eps = 0.5f };
        bn.Blobs.Add(Blob(4));
        bn.Blobs.Add(Blob(8));
        bn.Blobs.Add(Blob(factor));
        var scale = Nets.Layer("scale", "Scale", "c", "c");
        scale.ScaleParam = new ScaleParameter { BiasTerm = true };
        scale.Blobs.Add(Blob(2));
        scale.Blobs.Add(Blob(1));
        return Nets.Build(Nets.Input("data", 1, 1, 1, 2), conv, bn, scale, Nets.Layer("relu", "ReLU", "c", "c"));
    }

    [Theory]
    // factor 2: mean 2, var 4, std sqrt(4.5). x = 3: conv 7, (7 − 2)/sqrt(4.5)·2 + 1 = 5.7140452;
    // x = −3: conv −5, (−5 − 2)/sqrt(4.5)·2 + 1 = −5.5995628, ReLU 0.
    [InlineData(2f, 5.7140452f, 0f)]
    // factor 0: Caffe takes the statistics as 0: 7/sqrt(0.5)·2 + 1 = 20.7989899; −5 → negative → 0.
    [InlineData(0f, 20.7989899f, 0f)]
    public void FoldedBatchNormMatchesTheHandWorkedValues(float factor, float first, float second)
    {
        var graph = ConvBnScaleRelu(factor);
        var input = Tensor.From([1, 1, 1, 2], [3f, -3f]);
        using var fused = new Executor(graph, NetWeights.Resolve(graph, MissingWeights.Refuse), ExecutorOptions.Fast());
        var ours = fused.Forward(new Dictionary<string, Tensor> { ["data"] = input })["c"].ToArray();
        Assert.Equal(first, ours[0], 4);
        Assert.Equal(second, ours[1]);
        using var reference = new Executor(graph, NetWeights.Resolve(graph, MissingWeights.Refuse));
        var theirs = reference.Forward(new Dictionary<string, Tensor> { ["data"] = input })["c"].ToArray();
        Assert.Equal(theirs[0], ours[0], 4);
        Assert.Equal(["conv"], fused.RunningNodes.Select(n => n.Name));
    }

    static (NetGraph Graph, NetWeights Weights, Dictionary<string, Tensor> Inputs) CalibratedMobileNetV2(int batch)
    {
        var net = ModelLoader.Load(TestPaths.InTestData("mobilenetv2", "deploy.prototxt"), null);
        var graph = GraphBuilder.Build(net, LayerRegistry.Default, new GraphOptions { InputShapes = new Dictionary<string, Shape> { ["data"] = new(batch, 3, 224, 224) } });
        var weights = NetWeights.Resolve(graph, MissingWeights.Fill(3));
        var inputs = NetInputs.Random(graph, 4);
        using var calibrating = new Executor(graph, weights);
        BatchNormCalibration.Calibrate(calibrating, inputs);
        return (graph, weights, inputs);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    public void FusedMobileNetV2AgreesWithTheReferenceEveryFusedNode(int batch, int threads)
    {
        var (graph, weights, inputs) = CalibratedMobileNetV2(batch);
        var reference = new Dictionary<string, float[]>();
        using (var unfused = new Executor(graph, weights))
            unfused.Forward(inputs, (node, outs) => reference[node.Name] = outs[0].ToArray());
        using var fused = new Executor(graph, weights, ExecutorOptions.Fast(threads));
        int checkedNodes = 0;
        fused.Forward(inputs, (node, outs) =>
        {
            // A fused node's result is what its last absorbed layer wrote on the reference path.
            var last = fused.Plan.FusionAt(node)?.Absorbed.LastOrDefault() ?? node;
            var want = reference[last.Name];
            var got = outs[0].ToArray();
            float tolerance = 1e-4f * Math.Max(1, want.Max(MathF.Abs));
            for (int i = 0; i < want.Length; i++)
                Assert.True(MathF.Abs(got[i] - want[i]) <= tolerance, $"{node.Name} [{i}]: {got[i]} vs {want[i]} (tolerance {tolerance})");
            checkedNodes++;
        });
        Assert.True(checkedNodes < graph.Nodes.Count / 2, $"only {graph.Nodes.Count - checkedNodes} of {graph.Nodes.Count} nodes fused away");
    }

    [Theory]
    [InlineData(1, 1, 1, 1)]   // pointwise: the sum in the GEMM epilogue
    [InlineData(3, 1, 1, 2)]   // 3x3 im2col
    [InlineData(3, 1, 5, 2)]   // depthwise (group = channels): added after the kernel
    [InlineData(3, 1, 1, 1)]
    public void AFusedShortcutSumMatchesTheReferencePath(int kernel, int batch, int group, int threads)
    {
        // x -> conv (same size) -> BN -> Scale -> sum with x -> ReLU: a residual block's tail.
        var conv = Nets.Layer("conv", "Convolution", "data", "c");
        conv.ConvolutionParam = new ConvolutionParameter { NumOutput = 5, KernelSize = { (uint)kernel }, Pad = { (uint)(kernel / 2) }, Group = (uint)group };
        var scale = Nets.Layer("scale", "Scale", "c", "c");
        scale.ScaleParam = new ScaleParameter { BiasTerm = true };
        var sum = new LayerParameter { Name = "sum", Type = "Eltwise", Bottom = { "data", "c" }, Top = { "s" } };
        var graph = Nets.Build(Nets.Input("data", batch, 5, 6, 7), conv, Nets.Layer("bn", "BatchNorm", "c", "c"), scale, sum,
            Nets.Layer("relu", "ReLU", "s", "s"));
        var weights = NetWeights.Resolve(graph, MissingWeights.Fill(5));
        var inputs = NetInputs.Random(graph, 6);
        using var reference = new Executor(graph, weights);
        BatchNormCalibration.Calibrate(reference, inputs);
        var want = reference.Forward(inputs)["s"].ToArray();
        using var fused = new Executor(graph, weights, ExecutorOptions.Fast(threads));
        Assert.Equal(["conv"], fused.RunningNodes.Select(n => n.Name));
        var got = fused.Forward(inputs)["s"].ToArray();
        Assert.Contains(want, v => v == 0);  // the ReLU clipped something...
        Assert.Contains(want, v => v > 0);   // ...and let something through
        float tolerance = 1e-5f * Math.Max(1, want.Max(MathF.Abs));
        for (int i = 0; i < want.Length; i++)
            Assert.True(MathF.Abs(got[i] - want[i]) <= tolerance, $"[{i}]: {got[i]} vs {want[i]}");
    }

    [Fact]
    public void SkippedSplitAndDropoutTopsReadTheirBottomsValues()
    {
        var split = new LayerParameter { Name = "split", Type = "Split", Bottom = { "d" }, Top = { "s1", "s2" } };
        var sum = new LayerParameter { Name = "sum", Type = "Eltwise", Bottom = { "p", "s2" }, Top = { "out" } };
        var graph = Nets.Build(Nets.Input("data", 2, 3, 4, 5), Nets.Layer("drop", "Dropout", "data", "d"), split,
            Nets.Layer("sig", "Sigmoid", "s1", "p"), sum);
        var inputs = NetInputs.Random(graph, 8);
        var x = inputs["data"].ToArray();
        using var fused = new Executor(graph, NetWeights.Resolve(graph, MissingWeights.Refuse), ExecutorOptions.Fast());
        Assert.Equal(["sig", "sum"], fused.RunningNodes.Select(n => n.Name));
        var got = fused.Forward(inputs)["out"].ToArray();
        for (int i = 0; i < x.Length; i++)
            Assert.Equal(1 / (1 + MathF.Exp(-x[i])) + x[i], got[i], 5);
    }

    internal static (NetGraph Graph, NetWeights Weights, Dictionary<string, Tensor> Inputs) Calibrated(int batch) => CalibratedMobileNetV2(batch);
}
