using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Import.Binary;
using CaffeNet.Import.Text;
using CaffeNet.Proto;
using CaffeNet.Runtime;
using Google.Protobuf;
using static CaffeNet.Tests.Graph.Nets;

namespace CaffeNet.Tests.Runtime;

public class NetFolderTests
{
    static BlobProto Blob(long[] dims, params float[] values)
    {
        var blob = new BlobProto { Shape = new BlobShape() };
        blob.Shape.Dim.AddRange(dims);
        blob.Data.AddRange(values);
        return blob;
    }

    /// <summary>
    /// A 1x2 convolution of one channel, weights [2, −1], no bias; BatchNorm sums mean 4, var 8
    /// with factor 2 and eps 0.5; Scale γ = 3, β = 0.5; then a ReLU.
    /// </summary>
    static NetParameter ConvBnScaleRelu()
    {
        var conv = Layer("conv", "Convolution", "data", "c");
        conv.ConvolutionParam = new ConvolutionParameter { NumOutput = 1, BiasTerm = false, KernelH = 1, KernelW = 2 };
        conv.Blobs.Add(Blob([1, 1, 1, 2], 2, -1));
        var bn = Layer("bn", "BatchNorm", "c", "c");
        bn.BatchNormParam = new BatchNormParameter { Eps = 0.5f };
        bn.Blobs.Add(Blob([1], 4));
        bn.Blobs.Add(Blob([1], 8));
        bn.Blobs.Add(Blob([1], 2));
        var scale = Layer("scale", "Scale", "c", "c");
        scale.ScaleParam = new ScaleParameter { BiasTerm = true };
        scale.Blobs.Add(Blob([1], 3));
        scale.Blobs.Add(Blob([1], 0.5f));
        return Of(Input("data", 1, 1, 1, 3), conv, bn, scale, Layer("relu", "ReLU", "c", "c"));
    }

    [Fact]
    public void FoldsTheHandWorkedConvolutionBatchNormAndScale()
    {
        // mean 4/2 = 2, var 8/2 = 4, std sqrt(4 + 0.5) = 3/√2, k = γ/std = 3·√2/3 = √2.
        // w' = [2√2, −√2]; b' = (0 − 2)·√2 + 0.5 = 0.5 − 2√2.
        double r2 = Math.Sqrt(2);
        var folded = NetFolder.Fold(ConvBnScaleRelu());

        Assert.Equal(["data", "conv", "relu"], folded.Definition.Layer.Select(l => l.Name));
        Assert.All(folded.Definition.Layer, l => Assert.Empty(l.Blobs));
        Assert.True(folded.Definition.Layer[1].ConvolutionParam.BiasTerm);
        var conv = folded.Weights.Layer[1];
        Assert.True(conv.ConvolutionParam.BiasTerm);
        Assert.Equal(2, conv.Blobs.Count);
        Assert.Equal([1L, 1, 1, 2], conv.Blobs[0].Shape.Dim);
        Assert.Equal([1L], conv.Blobs[1].Shape.Dim);
        Assert.Equal(2 * r2, conv.Blobs[0].Data[0], 5);
        Assert.Equal(-r2, conv.Blobs[0].Data[1], 5);
        Assert.Equal(0.5 - 2 * r2, conv.Blobs[1].Data[0], 5);
        Assert.Equal(["bn", "scale"], Assert.Single(folded.Folds).Absorbed.Select(n => n.Name));
        Assert.Equal(5, folded.LayersBefore);
    }

    [Fact]
    public void TheFoldedNetComputesTheHandWorkedValues()
    {
        // BN and Scale map a conv output y to (y − 2)·√2 + 0.5.
        // x = [3, 1, −4]: conv 2·3 − 1 = 5 and 2·1 + 4 = 6 → 3√2 + 0.5 = 4.7426407, 4√2 + 0.5 = 6.1568542.
        // x = [1, 2, 3]: conv 0 and 1 → −2√2 + 0.5 and −√2 + 0.5, both negative, so the ReLU gives 0.
        var folded = NetFolder.Fold(ConvBnScaleRelu());
        var graph = GraphBuilder.Build(folded.Weights, LayerRegistry.Default);
        using var executor = new Executor(graph, NetWeights.Resolve(graph, MissingWeights.Refuse));
        var input = Tensor.From([1, 1, 1, 3], [3f, 1f, -4f]);
        var output = executor.Forward(new Dictionary<string, Tensor> { ["data"] = input })["c"].ToArray();
        Assert.Equal(4.7426407f, output[0], 5);
        Assert.Equal(6.1568542f, output[1], 5);
        input = Tensor.From([1, 1, 1, 3], [1f, 2f, 3f]);
        Assert.Equal([0f, 0f], executor.Forward(new Dictionary<string, Tensor> { ["data"] = input })["c"].ToArray());
    }

    [Fact]
    public void NoFoldWhenTheConvolutionOutputHasAnotherReader()
    {
        var net = ConvBnScaleRelu();
        net.Layer.Add(new LayerParameter { Name = "sum", Type = "Eltwise", Bottom = { "c", "c" }, Top = { "sum" } });
        // The Eltwise reads the ReLU's output; put a reader of the raw convolution output first.
        net.Layer.Insert(2, Layer("sig", "Sigmoid", "c", "s"));
        var folded = NetFolder.Fold(net);
        Assert.Empty(folded.Folds);
        Assert.Equal(["data", "conv", "sig", "bn", "scale", "relu", "sum"], folded.Definition.Layer.Select(l => l.Name));
        Assert.False(folded.Definition.Layer[1].ConvolutionParam.BiasTerm);
        Assert.Equal(net.Layer[3].Blobs, folded.Weights.Layer[3].Blobs);
    }

    [Fact]
    public void OutOfPlaceDropoutIsRemovedAndItsReadersRewired()
    {
        var conv = Layer("conv", "Convolution", "d", "c");
        conv.ConvolutionParam = new ConvolutionParameter { NumOutput = 1, KernelSize = { 1 } };
        conv.Blobs.Add(Blob([1, 1, 1, 1], 2));
        conv.Blobs.Add(Blob([1], 0));
        // "drop2" writes a net output: removing it would rename that output, so it stays.
        var net = Of(Input("data", 1, 1, 2, 2), Layer("drop", "Dropout", "data", "d"), Layer("relu", "ReLU", "d", "d"),
            conv, Layer("drop2", "Dropout", "c", "out"));
        var folded = NetFolder.Fold(net);
        Assert.Equal(["drop"], folded.RemovedDropouts);
        Assert.Equal(["data", "relu", "conv", "drop2"], folded.Definition.Layer.Select(l => l.Name));
        Assert.Equal(["data", "data"], folded.Definition.Layer[1].Bottom.Concat(folded.Definition.Layer[1].Top));
        Assert.Equal(["data"], folded.Definition.Layer[2].Bottom);
        Assert.Equal(["c", "out"], folded.Definition.Layer[3].Bottom.Concat(folded.Definition.Layer[3].Top));
    }

    [Fact]
    public void KeepsOnlyTheTestPhaseLayers()
    {
        var net = ConvBnScaleRelu();
        var train = Layer("train_only", "Sigmoid", "c", "t");
        train.Include.Add(new NetStateRule { Phase = Phase.Train });
        net.Layer.Add(train);
        net.State = new NetState { Phase = Phase.Train };
        var folded = NetFolder.Fold(net);
        Assert.DoesNotContain(folded.Definition.Layer, l => l.Name == "train_only");
        Assert.Equal(Phase.Test, folded.Definition.State.Phase);
        Assert.Equal(5, folded.LayersBefore);
    }

    [Fact]
    public void RefusesALearnableLayerWithoutWeights()
    {
        var net = ConvBnScaleRelu();
        net.Layer[2].Blobs.Clear();
        var e = Assert.Throws<CaffeNetException>(() => NetFolder.Fold(net));
        Assert.Equal("no weights for 1 of the net's 3 learnable layers: 'bn' (BatchNorm); " +
            "folding needs trained weights for every learnable layer", e.Message);
    }

    static readonly string Deploy = TestPaths.InTestData("mobilenetv2", "deploy.prototxt");
    static readonly string Calibrated = TestPaths.InTestData("mobilenetv2", "calibrated-seed1.caffemodel");

    [Fact]
    public void MobileNetV2LosesEveryBatchNormScaleAndDropout()
    {
        // deploy.prototxt: 206 `layer {` blocks, 52 BatchNorm, 52 Scale, 1 Dropout, and the
        // `input:` header, which the upgrade makes an Input layer: 207 − 52 − 52 − 1 = 102.
        var folded = NetFolder.Fold(ModelLoader.Load(Deploy, Calibrated));
        var types = folded.Definition.Layer.Select(l => l.Type).ToList();
        Assert.Equal(207, folded.LayersBefore);
        Assert.Equal(102, types.Count);
        Assert.DoesNotContain("BatchNorm", types);
        Assert.DoesNotContain("Scale", types);
        Assert.DoesNotContain("Dropout", types);
        Assert.Equal(54, types.Count(t => t == "Convolution"));
        Assert.Equal(35, types.Count(t => t == "ReLU"));
        Assert.Equal(52, folded.Folds.Count);
        Assert.Equal(["dropout"], folded.RemovedDropouts);
        Assert.All(folded.Weights.Layer.Where(l => l.Type == "Convolution"), l => Assert.Equal(2, l.Blobs.Count));
    }

    /// <summary>The last version of every blob after one forward, by blob name.</summary>
    static Dictionary<string, float[]> FinalBlobs(NetGraph graph, Dictionary<string, Tensor> inputs)
    {
        var blobs = new Dictionary<string, float[]>(StringComparer.Ordinal);
        using var executor = new Executor(graph, NetWeights.Resolve(graph, MissingWeights.Refuse));
        executor.Forward(inputs, (node, outputs) =>
        {
            for (int i = 0; i < outputs.Count; i++)
                blobs[node.Outputs[i].Name] = outputs[i].ToArray();
        });
        return blobs;
    }

    [Fact]
    public void OurExecutorGivesTheSameBlobsForTheFoldedMobileNetV2()
    {
        var net = ModelLoader.Load(Deploy, Calibrated);
        var folded = NetFolder.Fold(net);
        // Through the file formats, as a user gets it.
        var definition = TextFormat.Parse<NetParameter>(TextFormat.Print(folded.Definition), "folded.prototxt");
        var weights = BinaryFormat.Parse<NetParameter>(folded.Weights.ToByteArray(), "folded.caffemodel");
        // At 96x96 rather than 224x224, for a quicker test: every layer works at any size a
        // multiple of 32 (the net's stride), ending in global pooling.
        var small = new GraphOptions { InputShapes = new Dictionary<string, Shape> { ["data"] = new(1, 3, 96, 96) } };
        var original = GraphBuilder.Build(net, LayerRegistry.Default, small);
        var optimized = GraphBuilder.Build(WeightMerger.Merge(definition, weights, "folded.caffemodel"), LayerRegistry.Default, small);
        var inputs = NetInputs.Random(original, 5);

        var want = FinalBlobs(original, inputs);
        var got = FinalBlobs(optimized, inputs);
        // 54 convolutions, 10 Eltwise, pool9 and the softmax "loss"; the ReLUs work in place.
        Assert.Equal(66, got.Count);
        foreach (var (name, values) in got)
        {
            var expected = want[name];
            float tolerance = 1e-4f * Math.Max(1, expected.Max(MathF.Abs));
            Assert.Equal(expected.Length, values.Length);
            for (int i = 0; i < values.Length; i++)
                Assert.True(MathF.Abs(values[i] - expected[i]) <= tolerance, $"{name}[{i}]: {values[i]} vs {expected[i]} (tolerance {tolerance})");
        }
    }
}
