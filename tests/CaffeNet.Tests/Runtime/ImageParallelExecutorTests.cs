using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Proto;
using CaffeNet.Runtime;
using CaffeNet.Tests.Graph;

namespace CaffeNet.Tests.Runtime;

public class ImageParallelExecutorTests
{
    static (NetParameter Net, GraphOptions Options, NetGraph Graph) MobileNetV2(int batch, int size)
    {
        var net = ModelLoader.Load(TestPaths.InTestData("mobilenetv2", "deploy.prototxt"), TestPaths.InTestData("mobilenetv2", "calibrated-seed1.caffemodel"));
        var options = new GraphOptions { InputShapes = new Dictionary<string, Shape> { ["data"] = new(batch, 3, size, size) } };
        return (net, options, GraphBuilder.Build(net, LayerRegistry.Default, options));
    }

    [Theory]
    [InlineData(4, 2)]
    [InlineData(3, 3)]
    public void EveryImageGetsWhatTheBatchedExecutorGives(int batch, int threads)
    {
        var (net, options, graph) = MobileNetV2(batch, 64);
        var weights = NetWeights.Resolve(graph, MissingWeights.Fill(0));
        var inputs = NetInputs.Random(graph, 9);
        var ins = new[] { inputs["data"] };
        using var batched = new Executor(graph, weights, ExecutorOptions.Fast(1));
        var want = new[] { new Tensor(new TensorShape([batch, 1000, 1, 1])) };
        batched.Forward(ins, want);
        using var images = ImageParallelExecutor.TryCreate(net, options, graph, weights, threads);
        Assert.NotNull(images);
        var got = new[] { new Tensor(new TensorShape([batch, 1000, 1, 1])) };
        for (int round = 0; round < 2; round++)
        {
            got[0].Span.Clear();
            images.Forward(ins, got);
            var w = want[0].ToArray();
            var g = got[0].ToArray();
            // Images differ, so a mix-up between them would show.
            Assert.NotEqual(w[..1000], w[1000..2000]);
            for (int i = 0; i < w.Length; i++)
                Assert.True(MathF.Abs(g[i] - w[i]) <= 1e-6f, $"[{i}]: {g[i]} vs {w[i]}");
        }
    }

    [Theory]
    [InlineData(1, 4)]  // no threads to share
    [InlineData(2, 1)]  // one image
    [InlineData(2, 3)]  // 3 images over 2 threads: one would wait for the third
    public void NotCreatedWhereItDoesNotPay(int threads, int batch)
    {
        var (net, options, graph) = MobileNetV2(batch, 32);
        Assert.Null(ImageParallelExecutor.TryCreate(net, options, graph, NetWeights.Resolve(graph, MissingWeights.Fill(0)), threads));
    }

    [Fact]
    public void OnlyNetsWhoseLayersTreatImagesApartSplit()
    {
        var perImage = Nets.Build(Nets.Input("data", 4, 3, 2, 2), Nets.Layer("relu", "ReLU", "data", "r"), Nets.Layer("prob", "Softmax", "r", "p"));
        Assert.True(ImageParallelExecutor.CanSplit(perImage));
        var batchStats = Nets.Layer("bn", "BatchNorm", "data", "b");
        batchStats.BatchNormParam = new BatchNormParameter { UseGlobalStats = false };
        Assert.False(ImageParallelExecutor.CanSplit(Nets.Build(Nets.Input("data", 4, 3, 2, 2), batchStats)));
        var overBatch = Nets.Layer("prob", "Softmax", "data", "p");
        overBatch.SoftmaxParam = new SoftmaxParameter { Axis = 0 };
        Assert.False(ImageParallelExecutor.CanSplit(Nets.Build(Nets.Input("data", 4, 3, 2, 2), overBatch)));
        var reshape = Nets.Layer("r", "Reshape", "data", "r");
        reshape.ReshapeParam = new ReshapeParameter { Shape = new BlobShape { Dim = { 2, 24 } } };
        Assert.False(ImageParallelExecutor.CanSplit(Nets.Build(Nets.Input("data", 4, 3, 2, 2), reshape)));
    }
}
