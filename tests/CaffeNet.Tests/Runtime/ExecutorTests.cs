using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Proto;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Kernels;
using CaffeNet.Tests.Graph;

namespace CaffeNet.Tests.Runtime;

public class ExecutorTests
{
    static BlobProto Blob(TensorShape shape, params float[] values)
    {
        var blob = new BlobProto { Shape = new BlobShape() };
        blob.Shape.Dim.AddRange(shape.Dims.ToArray().Select(d => (long)d));
        blob.Data.AddRange(values);
        return blob;
    }

    static LayerParameter L(string name, string type, string bottom, string top) => Nets.Layer(name, type, bottom, top);

    [Fact]
    public void RunsAHandWorkedNetWithInPlaceLayers()
    {
        // x = [1, −2, 3, −4] as 1x1x2x2.
        // scale (×2, +1): 3, −3, 7, −7; ReLU in place: 3, 0, 7, 0;
        // eltwise SUM with x (coefficients 1, −1): 2, 2, 4, 4; global AVE pooling: 3.
        var scale = L("scale", "Scale", "data", "s");
        scale.ScaleParam = new ScaleParameter { BiasTerm = true };
        scale.Blobs.Add(Blob([1], 2));
        scale.Blobs.Add(Blob([1], 1));
        var sum = new LayerParameter { Name = "sum", Type = "Eltwise", Bottom = { "s", "data" }, Top = { "sum" },
            EltwiseParam = new EltwiseParameter { Coeff = { 1, -1 } } };
        var pool = L("pool", "Pooling", "sum", "pool");
        pool.PoolingParam = new PoolingParameter { Pool = PoolingParameter.Types.PoolMethod.Ave, GlobalPooling = true };
        var graph = Nets.Build(Nets.Input("data", 1, 1, 2, 2), scale, L("relu", "ReLU", "s", "s"), sum, pool);

        var seen = new List<(string, float[])>();
        var outputs = Executor.Create(graph).Forward(
            new Dictionary<string, Tensor> { ["data"] = T.Of([1, 1, 2, 2], 1, -2, 3, -4) },
            (node, outs) => seen.Add((node.Name, outs[0].ToArray())));

        Assert.Equal(["pool"], outputs.Keys);
        T.Close([3], outputs["pool"]);
        Assert.Equal(["scale", "relu", "sum", "pool"], seen.Select(s => s.Item1));
        T.Close([3, -3, 7, -7], seen[0].Item2);
        T.Close([3, 0, 7, 0], seen[1].Item2);
        T.Close([2, 2, 4, 4], seen[2].Item2);
    }

    [Fact]
    public void InPlaceVersionsShareStorageAndAChainReusesMemory()
    {
        // data → a → b → c → d, each 1x4 (4 floats), ReLUs not in place, then one in place on d.
        // Live at once: a layer's input and output only, so two slots of 4 suffice for the chain,
        // but d is a net output and lives to the end.
        var graph = Nets.Build(Nets.Input("data", 1, 4),
            L("a", "ReLU", "data", "a"), L("b", "ReLU", "a", "b"), L("c", "ReLU", "b", "c"),
            L("d", "ReLU", "c", "d"), L("d2", "ReLU", "d", "d"));
        var plan = MemoryPlan.For(graph);
        // Two 4-float blobs alive at once, the second on the next 16-float line.
        Assert.Equal(20, plan.ArenaFloats);
        Assert.Equal(8, plan.PeakLiveFloats);
        Assert.All(graph.Values, v => Assert.Equal(0, plan.OffsetOf(v) % MemoryPlan.Alignment));
        var d = graph.Values.Where(v => v.Name == "d").ToArray();
        Assert.Equal(2, d.Length);
        Assert.Equal(plan.OffsetOf(d[0]), plan.OffsetOf(d[1]));
        // Neighbours in the chain never share floats.
        var offsets = new[] { "data", "a", "b", "c", "d" }.Select(n => plan.OffsetOf(graph.Values.First(v => v.Name == n))).ToArray();
        for (int i = 0; i + 1 < offsets.Length; i++)
            Assert.NotEqual(offsets[i], offsets[i + 1]);
    }

    [Fact]
    public void AFusedSumIsLiveFromItsConvolutionSoItNeverSharesTheConvolutionsInput()
    {
        // data -> a -> conv -> sum(data, conv): unfused, "sum" may take "a"'s floats (a dies at conv,
        // sum is born after it); fused, the convolution writes "sum" while it reads "a".
        var conv = L("conv", "Convolution", "a", "c");
        conv.ConvolutionParam = new ConvolutionParameter { NumOutput = 4, KernelSize = { 1 } };
        var sum = new LayerParameter { Name = "sum", Type = "Eltwise", Bottom = { "data", "c" }, Top = { "sum" } };
        var graph = Nets.Build(Nets.Input("data", 1, 4, 1, 1), L("a", "ReLU", "data", "a"), conv, sum);
        var a = graph.Values.Single(v => v.Name == "a");
        var result = graph.Values.Single(v => v.Name == "sum");
        var unfused = MemoryPlan.For(graph);
        Assert.Equal(unfused.OffsetOf(a), unfused.OffsetOf(result));
        var fusions = CaffeNet.Graph.Passes.GraphOptimizer.Plan(graph);
        Assert.Equal(1, fusions.WrittenAt(result));
        var fused = MemoryPlan.For(graph, fusions);
        Assert.NotEqual(fused.OffsetOf(a), fused.OffsetOf(result));
        Assert.NotEqual(fused.OffsetOf(graph.Values.Single(v => v.Name == "data")), fused.OffsetOf(result));
    }

    [Fact]
    public void MissingWeightsComeFromTheFillersWithTheSeed()
    {
        var conv = L("conv", "Convolution", "data", "conv");
        conv.ConvolutionParam = new ConvolutionParameter
        {
            NumOutput = 2, KernelSize = { 1 },
            WeightFiller = new FillerParameter { Type = "constant", Value = 0.5f },
            BiasFiller = new FillerParameter { Type = "constant", Value = -1 },
        };
        var scale = L("scale", "Scale", "conv", "scale");
        var prelu = L("prelu", "PReLU", "scale", "prelu");
        var ip = L("ip", "InnerProduct", "prelu", "ip");
        ip.InnerProductParam = new InnerProductParameter { NumOutput = 3, WeightFiller = new FillerParameter { Type = "gaussian" } };
        var graph = Nets.Build(Nets.Input("data", 1, 3, 1, 1), conv, scale, prelu, ip);

        var weights = NetWeights.Resolve(graph, MissingWeights.Fill(42));
        Assert.Equal(["conv", "scale", "prelu", "ip"], weights.Filled.Select(n => n.Name));
        T.Close([0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f], weights.For(graph.Nodes[0])[0]);
        T.Close([-1, -1], weights.For(graph.Nodes[0])[1]);
        T.Close([1, 1], weights.For(graph.Nodes[1])[0]);   // Scale's factor defaults to 1
        T.Close([0.25f, 0.25f], weights.For(graph.Nodes[2])[0]); // PReLU's slope to 0.25
        T.Close([0, 0, 0], weights.For(graph.Nodes[3])[1]); // bias filler unset: constant 0
        Assert.Equal(weights.For(graph.Nodes[3])[0].ToArray(), NetWeights.Resolve(graph, MissingWeights.Fill(42)).For(graph.Nodes[3])[0].ToArray());
        Assert.NotEqual(weights.For(graph.Nodes[3])[0].ToArray(), NetWeights.Resolve(graph, MissingWeights.Fill(43)).For(graph.Nodes[3])[0].ToArray());

        // x = [2, 0, −4]: conv gives 0.5·(−2) − 1 = −2 on both channels; PReLU: −0.5.
        var executor = new Executor(graph, weights);
        var seen = new Dictionary<string, float[]>();
        executor.Forward(new Dictionary<string, Tensor> { ["data"] = T.Of([1, 3, 1, 1], 2, 0, -4) },
            (node, outs) => seen[node.Name] = outs[0].ToArray());
        T.Close([-2, -2], seen["conv"]);
        T.Close([-0.5f, -0.5f], seen["prelu"]);
    }

    [Fact]
    public void GivenBlobsAreUsedAsTheyAre()
    {
        var ip = L("ip", "InnerProduct", "data", "ip");
        ip.InnerProductParam = new InnerProductParameter { NumOutput = 1 };
        ip.Blobs.Add(Blob([1, 2], 3, -1));
        ip.Blobs.Add(new BlobProto { Shape = new BlobShape { Dim = { 1 } }, DoubleData = { 0.5 } });
        var graph = Nets.Build(Nets.Input("data", 2, 2), ip);
        var outputs = Executor.Create(graph).Forward(new Dictionary<string, Tensor> { ["data"] = T.Of([2, 2], 1, 1, 2, 0) });
        T.Close([2.5f, 6.5f], outputs["ip"]); // 3 − 1 + 0.5, 6 + 0.5
    }

    [Fact]
    public void WrongOrMissingInputsAreUserErrors()
    {
        var executor = Executor.Create(Nets.Build(Nets.Input("data", 1, 2), L("r", "ReLU", "data", "r")));
        var e = Assert.Throws<CaffeNetException>(() => executor.Forward(new Dictionary<string, Tensor>()));
        Assert.Contains("no value given for input 'data'", e.Message);
        e = Assert.Throws<CaffeNetException>(() => executor.Forward(new Dictionary<string, Tensor> { ["data"] = new Tensor([1, 3]) }));
        Assert.Contains("input 'data' has shape 1x3, the net expects 1x2", e.Message);
        e = Assert.Throws<CaffeNetException>(() => executor.Forward(new Dictionary<string, Tensor> { ["data"] = new Tensor([1, 2]), ["x"] = new Tensor([1]) }));
        Assert.Contains("has no input 'x'", e.Message);
    }

    [Fact]
    public void AnUnsupportedLayerIsReportedByName()
    {
        var graph = Nets.Build(Nets.Input("data", 1, 2), L("p", "Reorg", "data", "p"));
        var e = Assert.Throws<CaffeNetException>(() => Executor.Create(graph));
        Assert.StartsWith("layer 'p': type Reorg is not supported by the runtime", e.Message);
    }

    [Fact]
    public void AKernelErrorNamesTheLayer()
    {
        var label = new LayerParameter { Name = "loss", Type = "SoftmaxWithLoss", Bottom = { "data", "label" }, Top = { "loss" } };
        var graph = Nets.Build(Nets.Input("data", 2, 3), Nets.Input("label", 2), label);
        var e = Assert.Throws<CaffeNetException>(() => Executor.Create(graph).Forward(new Dictionary<string, Tensor>
        {
            ["data"] = new Tensor([2, 3]),
            ["label"] = T.Of([2], 0, 5),
        }));
        Assert.StartsWith("layer 'loss' (type SoftmaxWithLoss): SoftmaxWithLoss: label 5", e.Message);
    }

    [Theory]
    // x = [0, ln 3, 0, ln 3], targets [1, 0, 1, 0]: the sum is 2 ln 2 + 2 ln 4 = ln 64. Caffe's
    // SigmoidCrossEntropyLoss divides by the batch (1) unless the prototxt asks otherwise.
    [InlineData(null, null, 4.158883)]
    [InlineData(true, null, 1.039721)]                                          // normalize: true is VALID (4)
    [InlineData(false, null, 4.158883)]                                         // normalize: false is BATCH_SIZE
    [InlineData(null, LossParameter.Types.NormalizationMode.Full, 1.039721)]
    [InlineData(null, LossParameter.Types.NormalizationMode.Valid, 1.039721)]
    public void SigmoidCrossEntropyLossDividesByTheBatchByDefault(bool? normalize, LossParameter.Types.NormalizationMode? mode, double expected)
    {
        var loss = new LayerParameter { Name = "loss", Type = "SigmoidCrossEntropyLoss", Bottom = { "x", "t" }, Top = { "loss" } };
        if (normalize is { } n || mode is not null)
        {
            loss.LossParam = new LossParameter();
            if (normalize is { } v) loss.LossParam.Normalize = v;
            if (mode is { } m) loss.LossParam.Normalization = m;
        }
        var graph = Nets.Build(Nets.Input("x", 1, 4), Nets.Input("t", 1, 4), loss);
        var ln3 = MathF.Log(3);
        var outputs = Executor.Create(graph).Forward(new Dictionary<string, Tensor>
        {
            ["x"] = T.Of([1, 4], 0, ln3, 0, ln3),
            ["t"] = T.Of([1, 4], 1, 0, 1, 0),
        });
        Assert.Equal(expected, outputs["loss"].Span[0], 5);
    }

    [Fact]
    public void ShapeOverridesTakeAnotherBatchOrSizeOfTheSameRank()
    {
        var graph = Nets.Build(Nets.Input("data", 1, 3, 4, 4), L("r", "ReLU", "data", "r"));
        var overrides = NetInputs.ShapeOverrides(graph, new Dictionary<string, Tensor> { ["data"] = new Tensor([5, 3, 4, 4]) });
        Assert.Equal(new Shape(5, 3, 4, 4), overrides["data"]);
        Assert.Empty(NetInputs.ShapeOverrides(graph, new Dictionary<string, Tensor> { ["data"] = new Tensor([1, 3, 4, 4]) }));
        Assert.Equal(new Shape(1, 3, 4, 5), NetInputs.ShapeOverrides(graph, new Dictionary<string, Tensor> { ["data"] = new Tensor([1, 3, 4, 5]) })["data"]);
        var e = Assert.Throws<CaffeNetException>(() => NetInputs.ShapeOverrides(graph, new Dictionary<string, Tensor> { ["data"] = new Tensor([3, 4, 5]) }));
        Assert.Equal("input 'data' has shape 3x4x5, the net expects 1x3x4x4: 3 dimensions where the net has 4", e.Message);
        var rebuilt = GraphBuilder.Build(Nets.Of(Nets.Input("data", 1, 3, 4, 4), L("r", "ReLU", "data", "r")), LayerRegistry.Default, new GraphOptions { InputShapes = overrides });
        Assert.Equal(new Shape(5, 3, 4, 4), rebuilt.Outputs[0].Shape);
    }

    [Fact]
    public void MobileNetV2DeployRunsWithFillerWeightsAndCalibratedBatchNorm()
    {
        var graph = GraphBuilder.Build(ModelLoader.Load(TestPaths.InTestData("mobilenetv2", "deploy.prototxt"), null), LayerRegistry.Default);
        var executor = Executor.Create(graph, seed: 1);
        Assert.Equal(graph.Nodes.Count(n => n.ParamShapes.Count > 0), executor.Weights.Filled.Count);
        var inputs = NetInputs.Random(graph, 7);
        BatchNormCalibration.Calibrate(executor, inputs);
        // The plan can do no better than the most that is live at once, and must do better than
        // giving every blob its own storage.
        Assert.InRange(executor.Memory.ArenaFloats, executor.Memory.PeakLiveFloats, graph.Values.DistinctBy(v => v.Name).Sum(v => v.Shape.Count) / 4);
        int observed = 0;
        var outputs = executor.Forward(inputs, (node, outs) =>
        {
            observed++;
            // Calibrated, every BatchNorm output has mean 0 and variance 1 per channel.
            if (node.Type == "BatchNorm")
            {
                var v = outs[0].ToArray();
                Assert.Equal(0, v.Average(), 2);
                Assert.Equal(1, v.Average(x => x * x), 1);
            }
            Assert.All(outs[0].ToArray(), v => Assert.True(float.IsFinite(v)));
        });
        Assert.Equal(graph.Nodes.Count, observed);
        var prob = Assert.Single(outputs).Value;
        Assert.Equal([1, 1000, 1, 1], prob.Shape);
        Assert.Equal(1, prob.ToArray().Sum(), 3);
    }

    [Theory]
    [InlineData("test-1.0.prototxt")]
    [InlineData("test-0.35.prototxt")]
    public void AustinggTestNetsRunWholeWithRandomLabels(string file)
    {
        var graph = GraphBuilder.Build(ModelLoader.Load(TestPaths.InTestData("mobilenetv2", file), null), LayerRegistry.Default);
        var inputs = NetInputs.Random(graph, 3);
        var executor = Executor.Create(graph, seed: 2);
        BatchNormCalibration.Calibrate(executor, inputs);
        float label = Assert.Single(inputs["label"].ToArray());
        Assert.True(label == MathF.Floor(label) && label is >= 0 and < 1000, $"label {label}");
        var outputs = executor.Forward(inputs);
        float loss = Assert.Single(outputs["loss"].ToArray());
        Assert.True(float.IsFinite(loss) && loss >= 0, $"loss {loss}");
    }
}
