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
        for (int i = 0; i < 5; i++)
            fused.Forward(ins, outs);
        // The calling thread runs every layer and its share of each parallel loop. The pool's
        // workers run only the SIMD kernels, whose zero allocation on every thread AllocationTests
        // checks; process-wide counts would include the test host's own threads.
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - caller);
    }
}
