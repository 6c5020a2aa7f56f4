using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Runtime;
using CaffeNet.Tests.Runtime.Simd;
using Xunit.Abstractions;

namespace CaffeNet.Tests.Runtime;

/// <summary>
/// The memory estimate against what is really allocated, on MobileNetV2 with its calibrated weights.
/// Each part is measured on the one thread that does all of that part's work (a fresh thread for the
/// scratch, which kernels keep per thread), so other threads' allocations do not count.
/// </summary>
[Collection(nameof(AllocationTests))]
public class MemoryEstimateTests(ITestOutputHelper output)
{
    static NetGraph MobileNetV2(int batch)
    {
        var net = ModelLoader.Load(TestPaths.InTestData("mobilenetv2", "deploy.prototxt"),
            TestPaths.InTestData("mobilenetv2", "calibrated-seed1.caffemodel"));
        return GraphBuilder.Build(net, LayerRegistry.Default, new GraphOptions { InputShapes = new Dictionary<string, Shape> { ["data"] = new(batch, 3, 224, 224) } });
    }

    static long Allocated(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(1, false)]
    public void EstimateMatchesWhatIsAllocated(int batch, bool fuse)
    {
        var graph = MobileNetV2(batch);
        var options = fuse ? ExecutorOptions.Fast(1) : ExecutorOptions.Reference;
        var estimate = MemoryEstimate.ForWeights(graph) + Executor.EstimateMemory(graph, options);

        NetWeights weights = null!;
        long weightBytes = Allocated(() => weights = NetWeights.Resolve(graph, MissingWeights.Refuse));
        Executor executor = null!;
        long executorBytes = Allocated(() => executor = new Executor(graph, weights, options));
        var inputs = graph.Inputs.Select(v => new Tensor(new TensorShape([.. v.Shape.Dims]))).ToArray();
        var outputs = graph.Outputs.Select(v => new Tensor(new TensorShape([.. v.Shape.Dims]))).ToArray();
        long scratchBytes = 0;
        // Kernels keep their scratch per thread: a fresh thread grows its own.
        var thread = new Thread(() => scratchBytes = Allocated(() => executor.Forward(inputs, outputs)));
        thread.Start();
        thread.Join();
        executor.Dispose();

        output.WriteLine($"weights {weightBytes} / {estimate.Weights}, executor {executorBytes} / {estimate.FastPathWeights + estimate.Activations} " +
            $"(fast path {estimate.FastPathWeights}, fold buffers {estimate.FoldBuffers}, arena {estimate.Activations}), scratch {scratchBytes} / {estimate.Scratch}");
        // What is allocated beside the tensors (layer objects, plans, tensor views) is a few percent;
        // scratch buffers grow in steps, each of which counts as allocated, so they exceed theirs.
        Assert.InRange(weightBytes, estimate.Weights, (long)(estimate.Weights * 1.02));
        // The fold buffers come from ArrayPool.Shared: an earlier test on this thread may have left them there.
        long executorEstimate = estimate.FastPathWeights + estimate.Activations;
        Assert.InRange(executorBytes, executorEstimate, (long)((executorEstimate + estimate.FoldBuffers) * 1.05));
        Assert.InRange(weightBytes + executorBytes + scratchBytes, estimate.Total - estimate.FoldBuffers, (long)(estimate.Total * 1.05));
    }
}
