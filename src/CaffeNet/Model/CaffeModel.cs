using System.Buffers;
using CaffeNet.Export.Onnx;
using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Proto;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Simd;

namespace CaffeNet;

/// <summary>
/// A Caffe model loaded and ready to run: the net of a prototxt with the weights of a caffemodel,
/// on the fast path (BatchNorm and Scale folded into convolutions, SIMD kernels, every core) unless
/// <see cref="CaffeModelOptions.Reference"/> says otherwise. <see cref="Run(ReadOnlySpan{float})"/>
/// and its overloads are safe to call from many threads at once: the compiled net is shared and
/// each run takes its own activation memory from a pool. Dispose it to stop its worker threads.
/// </summary>
public sealed partial class CaffeModel : IDisposable
{
    readonly NetParameter _net;
    readonly CaffeModelOptions _options;
    readonly LayerRegistry _registry;
    readonly GraphOptions _graphOptions;
    readonly MemoryBudget _budget;
    readonly NetWeights _weights;
    readonly object _gate = new();
    WorkerPool? _pool;
    volatile ModelState _state;
    volatile bool _disposed;

    CaffeModel(NetParameter net, CaffeModelOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Threads, 1);
        _net = net;
        _options = options;
        _registry = options.Registry ?? LayerRegistry.Default;
        _budget = options.MaxMemory is long max ? MemoryBudget.AtMost(max) : MemoryBudget.Available;
        _graphOptions = new GraphOptions { Phase = options.Phase, Stages = options.Stages, InputShapes = options.InputShapes };
        var graph = GraphBuilder.Build(net, _registry, _graphOptions);
        if (options.Batch is int batch)
            graph = Build(WithBatch(graph, batch));
        var missing = options.FillMissingWeights ? MissingWeights.Fill(options.FillerSeed) : MissingWeights.Refuse;
        _weights = NetWeights.Resolve(graph, missing, _budget);
        foreach (var node in _weights.Filled)
            options.Warning?.Invoke($"{Excerpt.Layer(node.Name, node.Type)}: no weights given; filled from the prototxt's fillers");
        try
        {
            _state = Compile(graph, _weights);
        }
        catch
        {
            _pool?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads <paramref name="prototxt"/> (text or binary, any Caffe version) with the trained blobs
    /// of <paramref name="caffemodel"/>, copied in by layer name as Caffe does. Every learnable layer
    /// must get its blobs unless <see cref="CaffeModelOptions.FillMissingWeights"/> is set. Errors
    /// are <see cref="CaffeNetException"/>s (file, line and column for prototxt).
    /// </summary>
    public static CaffeModel Load(string prototxt, string? caffemodel = null, CaffeModelOptions? options = null)
    {
        options ??= new CaffeModelOptions();
        return new CaffeModel(ModelLoader.Load(prototxt, caffemodel, ImportOptionsFor(options)), options);
    }

    /// <summary>
    /// Loads a model from streams, read to their end (and left open): the net (prototxt or binary)
    /// and optionally its trained weights. As <see cref="Load(string, string?, CaffeModelOptions?)"/>.
    /// </summary>
    public static CaffeModel Load(Stream prototxt, Stream? caffemodel = null, CaffeModelOptions? options = null)
    {
        options ??= new CaffeModelOptions();
        var import = ImportOptionsFor(options);
        var net = ModelStreams.Read(prototxt, "prototxt stream", import);
        if (caffemodel is not null)
            net = WeightMerger.Merge(net, ModelStreams.Read(caffemodel, "caffemodel stream", import), "caffemodel stream");
        return new CaffeModel(net, options);
    }

    static ImportOptions ImportOptionsFor(CaffeModelOptions options) =>
        new(options.Lenient, options.Warning) { LayerFields = (options.Registry ?? LayerRegistry.Default).LayerFields };

    /// <summary>The net's name, as its prototxt gives it.</summary>
    public string Name => _net.Name;

    /// <summary>The inputs a run takes, by name, at their current shapes.</summary>
    public IReadOnlyList<TensorInfo> Inputs => _state.Inputs;

    /// <summary>The net outputs a run gives (blobs no layer reads), at their current shapes.</summary>
    public IReadOnlyList<TensorInfo> Outputs => _state.Outputs;

    /// <summary>The blobs kept for reading after a run (<see cref="CaffeModelOptions.KeepBlobs"/>).</summary>
    public IReadOnlyList<TensorInfo> Kept => _state.Kept;

    /// <summary>
    /// The net at its current shapes, for inspection: every layer (<see cref="NetGraph.Nodes"/>) with
    /// its type, bottoms and tops with their shapes, parameters and multiply-accumulates
    /// (<see cref="Node.Cost"/>), and the totals (<see cref="NetGraph.TotalCost"/>). Do not change it.
    /// </summary>
    public NetGraph Graph => _state.Net.Graph;

    /// <summary>The layers, in execution order (see <see cref="Graph"/>).</summary>
    public IReadOnlyList<Node> Layers => Graph.Nodes;

    /// <summary>True on the fast path (the default), false on the reference kernels.</summary>
    public bool IsFused => !_options.Reference;

    /// <summary>
    /// The layers the fast path folded into the one before them (BatchNorm, Scale, activations, a
    /// residual sum, a depthwise convolution run band by band with the 1x1 before it) and skipped
    /// (Dropout, Split).
    /// </summary>
    public IReadOnlyList<string> FoldedLayers => [.. Graph.Nodes.Where(_state.Net.Plan.Skips).Select(n => n.Name)];

    /// <summary>
    /// The model at its current shapes as an ONNX model (the bytes of a .onnx file), each layer as
    /// the ONNX operators that compute what Caffe computes; a layer ONNX cannot express is a
    /// <see cref="CaffeNetException"/> naming it.
    /// </summary>
    public byte[] ExportOnnx(OnnxExportOptions? options = null)
    {
        var net = State().Net;
        return OnnxExporter.Export(net.Graph, net.Weights, options);
    }

    /// <summary>Changes one input's shape (another resolution or batch) without reloading; see <see cref="Reshape(IReadOnlyDictionary{string, Shape})"/>.</summary>
    public void Reshape(string input, Shape shape) => Reshape(new Dictionary<string, Shape> { [input] = shape });

    /// <summary>Gives every input the batch size <paramref name="batch"/> (its first dimension), without reloading.</summary>
    public void Reshape(int batch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        Reshape(WithBatch(Graph, batch));
    }

    /// <summary>
    /// Changes the shapes of the named inputs (the others keep theirs), as pycaffe's reshape: the
    /// weights are kept, the net is shaped and planned again. Runs already going finish at the old
    /// shapes; later runs use the new ones. A shape the layers or weights cannot take is a
    /// <see cref="CaffeNetException"/>, and the model keeps its old shapes.
    /// </summary>
    public void Reshape(IReadOnlyDictionary<string, Shape> shapes)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var current = Graph;
            var all = current.Inputs.ToDictionary(v => v.Name, v => v.Shape, StringComparer.Ordinal);
            foreach (var (name, shape) in shapes)
            {
                if (!all.ContainsKey(name))
                    throw new CaffeNetException($"net {Excerpt.Name(current.Name)} has no input {Excerpt.Name(name)} (its inputs: {Excerpt.List(all.Keys)})");
                all[name] = shape;
            }
            var graph = Build(all);
            NetWeights weights;
            try
            {
                weights = _weights.Rebind(graph);
            }
            catch (ArgumentException e)
            {
                throw new CaffeNetException($"net {Excerpt.Name(graph.Name)}: these input shapes change the shape of learned weights: {e.Message}", e);
            }
            _state = Compile(graph, weights);
        }
    }

    NetGraph Build(IReadOnlyDictionary<string, Shape> inputShapes) =>
        GraphBuilder.Build(_net, _registry, _graphOptions with { InputShapes = inputShapes });

    static Dictionary<string, Shape> WithBatch(NetGraph graph, int batch) =>
        graph.Inputs.ToDictionary(v => v.Name, v => v.Shape.Rank == 0 ? v.Shape : new Shape([batch, .. v.Shape.Dims.Skip(1)]), StringComparer.Ordinal);

    ModelState Compile(NetGraph graph, NetWeights weights)
    {
        var keep = _options.KeepBlobs.Distinct().ToList();
        var values = keep.Select(name => KeptValue(graph, name)).ToList();
        var options = _options.Reference ? ExecutorOptions.Reference : ExecutorOptions.Fast(_options.Threads);
        var net = new CompiledNet(graph, weights, options with { Budget = _budget }, () => Pool(options.Threads), values);
        return new ModelState(net, keep, _budget);
    }

    WorkerPool? Pool(int threads) => threads > 1 ? _pool ??= new WorkerPool(threads) : null;

    /// <summary>A blob's last version (what pycaffe's net.blobs shows), or the first top of the layer so named.</summary>
    static Value KeptValue(NetGraph graph, string name)
    {
        var blob = graph.Values.Where(v => v.Name == name).MaxBy(v => v.Version);
        if (blob is not null)
            return blob;
        var layer = graph.Nodes.FirstOrDefault(n => n.Name == name && n.Outputs.Count > 0);
        return layer?.Outputs[0] ?? throw new CaffeNetException($"net {Excerpt.Name(graph.Name)} has no blob or layer {Excerpt.Name(name)} to keep");
    }

    /// <summary>
    /// Runs a net that has one input on <paramref name="input"/> (its values row-major, as many as
    /// <see cref="Inputs"/> says). The floats are read in place, with no copy, unless a layer works in
    /// place on the input (then they are copied once into the run's memory, so that the caller's
    /// floats are never written); either way they must not change until the call returns.
    /// </summary>
    public unsafe RunResult Run(ReadOnlySpan<float> input)
    {
        var state = State();
        RequireOneInput(state);
        fixed (float* floats = input)
        {
            var context = state.Rent();
            try
            {
                context.UseInput(0, floats, input.Length);
                context.Run();
            }
            catch
            {
                state.Return(context);
                throw;
            }
            return new RunResult(state, context);
        }
    }

    /// <summary>Runs the net on named inputs, one for each of <see cref="Inputs"/>; each read as <see cref="Run(ReadOnlySpan{float})"/> reads one.</summary>
    public unsafe RunResult Run(params ReadOnlySpan<ModelInput> inputs)
    {
        var state = State();
        var order = Order(state, inputs);
        var pins = new MemoryHandle[order.Length];
        var context = state.Rent();
        try
        {
            for (int i = 0; i < order.Length; i++)
            {
                var values = inputs[order[i]].Values;
                pins[i] = values.Pin();
                context.UseInput(i, (float*)pins[i].Pointer, values.Length);
            }
            context.Run();
        }
        catch
        {
            state.Return(context);
            throw;
        }
        finally
        {
            foreach (var pin in pins)
                pin.Dispose();
        }
        return new RunResult(state, context);
    }

    /// <summary>Runs the net on named inputs, one for each of <see cref="Inputs"/>.</summary>
    public RunResult Run(IReadOnlyDictionary<string, ReadOnlyMemory<float>> inputs) =>
        Run([.. inputs.Select(p => new ModelInput(p.Key, p.Value))]);

    /// <summary>
    /// Runs the net and copies the outputs or kept blobs named in <paramref name="outputs"/> into the
    /// caller's buffers (each exactly the blob's size); the run's own memory goes straight back to the pool.
    /// </summary>
    public void Run(IReadOnlyDictionary<string, ReadOnlyMemory<float>> inputs, IReadOnlyDictionary<string, Memory<float>> outputs)
    {
        using var result = Run(inputs);
        foreach (var (name, buffer) in outputs)
            CopyOut(result[name], buffer.Span);
    }

    /// <summary>Runs a net with one input and one output, writing the output into <paramref name="output"/> (exactly its size).</summary>
    public void Run(ReadOnlySpan<float> input, Span<float> output)
    {
        using var result = Run(input);
        if (result.Outputs.Count != 1)
            throw new CaffeNetException($"net {Excerpt.Name(Name)} has {result.Outputs.Count} outputs; name the buffers for them");
        CopyOut(result.Output, output);
    }

    static void CopyOut(ModelOutput value, Span<float> buffer)
    {
        if (buffer.Length != value.Count)
            throw new ArgumentException($"the buffer for {Excerpt.Name(value.Name)} holds {buffer.Length} floats; {value.Shape} needs {value.Count}");
        value.Span.CopyTo(buffer);
    }

    void RequireOneInput(ModelState state)
    {
        if (state.Inputs.Count != 1)
            throw new CaffeNetException($"net {Excerpt.Name(Name)} has {state.Inputs.Count} inputs ({Excerpt.List(state.Inputs.Select(i => i.ToString()))}); give them by name");
    }

    /// <summary>For each graph input in order, the position of its value among <paramref name="inputs"/>.</summary>
    static int[] Order(ModelState state, ReadOnlySpan<ModelInput> inputs)
    {
        var order = new int[state.Inputs.Count];
        Array.Fill(order, -1);
        for (int i = 0; i < inputs.Length; i++)
        {
            int at = -1;
            for (int j = 0; j < state.Inputs.Count; j++)
                if (state.Inputs[j].Name == inputs[i].Name)
                    at = j;
            if (at < 0)
                throw new CaffeNetException(
                    $"net {Excerpt.Name(state.Net.Graph.Name)} has no input {Excerpt.Name(inputs[i].Name)} (its inputs: {Excerpt.List(state.Inputs.Select(v => v.Name))})");
            if (order[at] >= 0)
                throw new CaffeNetException($"input {Excerpt.Name(inputs[i].Name)} is given twice");
            order[at] = i;
        }
        for (int j = 0; j < order.Length; j++)
            if (order[j] < 0)
                throw new CaffeNetException($"net {Excerpt.Name(state.Net.Graph.Name)}: no value given for input {Excerpt.Name(state.Inputs[j].Name)}");
        return order;
    }

    ModelState State()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _state;
    }

    /// <summary>Stops the worker threads. Runs still going may fail; later calls throw ObjectDisposedException.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            _pool?.Dispose();
        }
    }
}
