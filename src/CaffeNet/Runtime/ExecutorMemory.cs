using CaffeNet.Graph;
using CaffeNet.Graph.Passes;
using CaffeNet.Runtime.Kernels;
using CaffeNet.Runtime.Layers;

namespace CaffeNet.Runtime;

/// <summary>
/// What an <see cref="Executor"/> allocates beside the weights, from the graph's shapes: the fast
/// path's weight copies, the arena and the kernels' scratch; and the largest single array among
/// them, which must fit one .NET array.
/// </summary>
sealed class ExecutorMemory
{
    ExecutorMemory(MemoryEstimate estimate, long largestFloats, string largestOwner)
    {
        Estimate = estimate;
        LargestFloats = largestFloats;
        LargestOwner = largestOwner;
    }

    public MemoryEstimate Estimate { get; }

    /// <summary>The longest array other than the arena, in floats, and what it is for.</summary>
    public long LargestFloats { get; }

    public string LargestOwner { get; }

    public static ExecutorMemory For(NetGraph graph, FusionPlan plan, ChannelLayout layout, MemoryPlan memory, int threads)
    {
        var scratch = new ScratchEstimate();
        // Convolutions that keep only a rearranged copy fold into a buffer from ArrayPool.Shared,
        // which keeps one array of each power-of-two length for good.
        var folds = new ScratchEstimate();
        long kept = 0, largest = 0;
        string owner = "";
        foreach (var node in graph.Nodes.Where(n => !plan.Skips(n)))
        {
            var fusion = plan.FusionAt(node);
            (long Floats, long Longest, long Folded) copy = (0, 0, 0);
            if (fusion is not null && node.Type == "InnerProduct")
                copy = FusedInnerProductLayer.Kept(fusion) is var (floats, longestArray) ? (floats, longestArray, 0) : default;
            else if (fusion is { Depthwise: not null })
                copy = FusedExpandDepthwiseLayer.Kept(fusion, CompiledNet.IoOf(layout, fusion), scratch);
            else if (fusion is not null)
                copy = FusedConvolutionLayer.Kept(fusion, CompiledNet.IoOf(layout, fusion), scratch);
            folds.Pooled(copy.Folded);
            if (fusion is null)
                NeedReferenceScratch(node, scratch);
            kept += copy.Floats;
            // The scratch's longest buffer only grows: when it grows here, this node asked for it.
            long longest = Math.Max(copy.Longest, scratch.LargestFloats);
            if (longest > largest)
                (largest, owner) = (longest, Excerpt.Layer(node.Name, node.Type));
        }
        var estimate = new MemoryEstimate
        {
            FastPathWeights = kept * sizeof(float),
            FoldBuffers = folds.Bytes(threads: 0),
            // The executor's arena has room to start on a cache line.
            Activations = (memory.ArenaFloats + MemoryPlan.Alignment) * sizeof(float),
            Scratch = scratch.Bytes(threads),
        };
        return new ExecutorMemory(estimate, largest, owner);
    }

    /// <summary>The reference kernels that keep or take working memory of their own.</summary>
    static void NeedReferenceScratch(Node node, ScratchEstimate scratch)
    {
        switch (node.Attributes)
        {
            case ConvolutionAttributes a when node.Type == "Deconvolution":
                Deconvolution.NeedScratch(ConvolutionLayer.Params(a), PlaneAfter(node.Inputs[0].Shape, a.Axis), scratch);
                break;
            case ConvolutionAttributes a:
                Convolution.NeedScratch(node.Inputs[0].Shape[a.Axis], ConvolutionLayer.Params(a), PlaneAfter(node.Outputs[0].Shape, a.Axis), scratch);
                break;
            case InnerProductAttributes a:
                var input = node.Inputs[0].Shape;
                scratch.PooledDoubles(Gemm.TileDoubles(checked((int)input.CountRange(0, input.CanonicalAxis(a.Axis))), a.NumOutput, !a.Transpose));
                break;
            case not null when node.Type == "SoftmaxWithLoss" && node.Outputs.Count == 1:
                scratch.PerCall(node.Inputs[0].Shape.Count); // its probabilities, made anew at each call
                break;
        }
    }

    /// <summary>The pixels of one channel: the product of the axes after the (canonical) channel axis.</summary>
    static long PlaneAfter(Shape shape, int axis) => shape.Dims.Skip(axis + 1).Aggregate(1L, (x, d) => x * d);
}
