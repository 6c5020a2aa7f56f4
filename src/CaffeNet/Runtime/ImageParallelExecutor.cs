using CaffeNet.Graph;
using CaffeNet.Runtime.Layers;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Runtime;

/// <summary>
/// Runs a batch by handing whole images to threads. Each thread owns an executor for a one-image
/// lowering of the net, on single-threaded kernels, and takes images off a shared counter until
/// none are left. There is no synchronisation per layer, and a thread's working set is one image's
/// activations, which stay in cache where a whole batch's do not. Legal only for nets whose layers
/// treat images apart (<see cref="CanSplit"/>); each image's result is what a batch of one gives.
/// </summary>
internal sealed class ImageParallelExecutor : IDisposable
{
    readonly Lane[] _lanes;
    readonly WorkerPool _pool;
    readonly int _batch;
    Tensor[] _inputs = [];
    Tensor[] _outputs = [];
    int _nextImage;

    /// <summary>One thread's executor and its one-image input and output tensors.</summary>
    sealed record Lane(Executor Executor, Tensor[] Inputs, Tensor[] Outputs);

    /// <param name="batchGraph">The net at its batch size: the shapes Forward takes and gives.</param>
    /// <param name="imageGraph">The same net lowered for one image (inputs of batch 1).</param>
    /// <param name="imageWeights">Weights for <paramref name="imageGraph"/> (see <see cref="NetWeights.Rebind"/>).</param>
    /// <param name="threads">Threads to run images on (at least 2; at most one per image is used).</param>
    /// <param name="budget">What all the threads' executors and tensors are checked against first (<see cref="MemoryBudget.Available"/> when null).</param>
    public ImageParallelExecutor(NetGraph batchGraph, NetGraph imageGraph, NetWeights imageWeights, int threads, MemoryBudget? budget = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 2);
        if (!CanSplit(batchGraph))
            throw new ArgumentException($"net {Excerpt.Name(batchGraph.Name)} mixes images or has inputs without a batch axis", nameof(batchGraph));
        _batch = batchGraph.Inputs[0].Shape.Dims[0];
        bool sameNet = imageGraph.Inputs.Count == batchGraph.Inputs.Count && imageGraph.Outputs.Count == batchGraph.Outputs.Count &&
            imageGraph.Inputs.Concat(imageGraph.Outputs).Zip(batchGraph.Inputs.Concat(batchGraph.Outputs))
                .All(p => p.First.Name == p.Second.Name && p.First.Shape.Equals(OneImage(p.Second.Shape)));
        if (!sameNet)
            throw new ArgumentException($"{Excerpt.Name(imageGraph.Name)} is not {Excerpt.Name(batchGraph.Name)} for one image", nameof(imageGraph));
        int lanes = Math.Min(threads, _batch);
        var laneOptions = ExecutorOptions.Fast(1) with { Budget = budget ?? MemoryBudget.Available };
        var lane = Executor.EstimateMemory(imageGraph, laneOptions) + new MemoryEstimate
        {
            Inputs = MemoryEstimate.TensorBytes(imageGraph.Inputs.Select(v => v.Shape)),
            Outputs = MemoryEstimate.TensorBytes(imageGraph.Outputs.Select(v => v.Shape)),
        };
        laneOptions.Budget.Check(lanes * lane.Total, $"net {Excerpt.Name(batchGraph.Name)} on {lanes} threads, an image each,", $"{lanes} x ({lane})");
        _pool = new WorkerPool(lanes);
        _lanes = [.. Enumerable.Range(0, _pool.ThreadCount).Select(_ => new Lane(
            new Executor(imageGraph, imageWeights, laneOptions),
            [.. imageGraph.Inputs.Select(v => new Tensor(LayerFactory.ToTensorShape(v.Shape)))],
            [.. imageGraph.Outputs.Select(v => new Tensor(LayerFactory.ToTensorShape(v.Shape)))]))];
        BatchGraph = batchGraph;
    }

    public NetGraph BatchGraph { get; }

    /// <summary>
    /// An image-parallel executor for <paramref name="batchGraph"/> (lowered from <paramref name="net"/>
    /// with <paramref name="options"/>) when that is legal and pays: threads to share, and a batch
    /// that splits evenly over them or is large enough for the remainder not to matter. Else null.
    /// </summary>
    public static ImageParallelExecutor? TryCreate(Proto.NetParameter net, GraphOptions options, NetGraph batchGraph,
        NetWeights weights, int threads, MemoryBudget? budget = null)
    {
        if (threads < 2 || !CanSplit(batchGraph))
            return null;
        int batch = batchGraph.Inputs[0].Shape.Dims[0];
        if (batch < 2 || batch % threads != 0 && batch < 4 * threads)
            return null;
        var oneImage = batchGraph.Inputs.ToDictionary(v => v.Name, v => OneImage(v.Shape), StringComparer.Ordinal);
        var imageGraph = GraphBuilder.Build(net, batchGraph.Layers, options with { InputShapes = oneImage });
        return new ImageParallelExecutor(batchGraph, imageGraph, weights.Rebind(imageGraph), threads, budget);
    }

    /// <summary>
    /// True when every input and output has the batch as its first axis and every layer works on
    /// each image alone (a BatchNorm with stored statistics, a Softmax over channels, ...).
    /// </summary>
    public static bool CanSplit(NetGraph graph)
    {
        var ends = graph.Inputs.Concat(graph.Outputs).ToList();
        if (ends.Count == 0 || ends.Any(v => !v.Shape.IsComplete || v.Shape.Rank < 2))
            return false;
        int batch = ends[0].Shape.Dims[0];
        return ends.All(v => v.Shape.Dims[0] == batch) && graph.Nodes.All(PerImage);
    }

    static bool PerImage(Node node) => node.Attributes switch
    {
        ConvolutionAttributes c => c.Axis == 1,
        InnerProductAttributes ip => ip.Axis == 1 && !ip.Transpose,
        BatchNormAttributes bn => bn.UseGlobalStats,
        ScaleAttributes s => Resolved(s.Axis, node) >= 1,
        AxisAttributes a => node.Type is "Softmax" or "Concat" && Resolved(a.Axis, node) >= 1,
        FlattenAttributes f => Resolved(f.Axis, node) >= 1,
        PoolingAttributes or EltwiseAttributes or LRNAttributes or ReLUAttributes or ClipAttributes or PReLUAttributes
            or DropoutAttributes or ELUAttributes or SwishAttributes or PowerAttributes => true,
        _ => node.Type is "ReLU6" or "Sigmoid" or "TanH" or "AbsVal" or "BNLL" or "Split",
    };

    static int Resolved(int axis, Node node) => axis < 0 ? axis + node.Inputs[0].Shape.Rank : axis;

    static Shape OneImage(Shape shape) => new([1, .. shape.Dims.Skip(1)]);

    /// <summary>
    /// The allocation-free forward, as <see cref="Executor.Forward(ReadOnlySpan{Tensor}, ReadOnlySpan{Tensor})"/>:
    /// inputs and outputs in the batch graph's order and shapes.
    /// </summary>
    public void Forward(Tensor[] inputs, Tensor[] outputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        Check(inputs, BatchGraph.Inputs, "input");
        Check(outputs, BatchGraph.Outputs, "output");
        _inputs = inputs;
        _outputs = outputs;
        _nextImage = 0;
        _pool.For(_lanes.Length, new LaneJob { Owner = this });
        _inputs = _outputs = [];
    }

    static void Check(Tensor[] tensors, IReadOnlyList<Value> values, string what)
    {
        if (tensors.Length != values.Count)
            throw new CaffeNetException($"the net takes {values.Count} {what}s, not {tensors.Length}");
        for (int i = 0; i < tensors.Length; i++)
        {
            if (tensors[i].Shape != LayerFactory.ToTensorShape(values[i].Shape))
                throw new CaffeNetException($"{what} {Excerpt.Name(values[i].Name)} has shape {tensors[i].Shape}, the net's is {values[i].Shape}");
        }
    }

    void RunLane(int index)
    {
        var lane = _lanes[index];
        int image;
        while ((image = Interlocked.Increment(ref _nextImage) - 1) < _batch)
        {
            for (int i = 0; i < _inputs.Length; i++)
                Slice(_inputs[i], image).CopyTo(lane.Inputs[i].Span);
            lane.Executor.Forward(lane.Inputs, lane.Outputs);
            for (int i = 0; i < _outputs.Length; i++)
                lane.Outputs[i].Span.CopyTo(Slice(_outputs[i], image));
        }
    }

    Span<float> Slice(Tensor tensor, int image)
    {
        int perImage = tensor.Span.Length / _batch;
        return tensor.Span.Slice(image * perImage, perImage);
    }

    struct LaneJob : IParallelJob
    {
        public ImageParallelExecutor Owner;

        public readonly void Execute(int index) => Owner.RunLane(index);
    }

    public void Dispose()
    {
        _pool.Dispose();
        foreach (var lane in _lanes)
            lane.Executor.Dispose();
    }
}
