using CaffeNet.Runtime;
using CaffeNet.Tests.Runtime.Simd;

namespace CaffeNet.Tests.Runtime;

/// <summary>The fused executor's steady-state forward allocates nothing (MobileNetV2, after warm-up).</summary>
[Collection(nameof(AllocationTests))]
public class ExecutorAllocationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void SteadyStateForwardAllocatesNothing(int threads)
    {
        var (graph, weights, inputs) = FusedExecutorTests.Calibrated(1);
        using var fused = new Executor(graph, weights, ExecutorOptions.Fast(threads));
        var ins = graph.Inputs.Select(v => inputs[v.Name]).ToArray();
        var outs = graph.Outputs.Select(v => new Tensor(new TensorShape([.. v.Shape.Dims]))).ToArray();
        for (int i = 0; i < 3; i++)
            fused.Forward(ins, outs);
        long caller = GC.GetAllocatedBytesForCurrentThread();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < 5; i++)
            fused.Forward(ins, outs);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - caller);
        // Every thread of the process (this collection runs alone): the pool's workers too.
        Assert.Equal(0, allocated);
    }
}
