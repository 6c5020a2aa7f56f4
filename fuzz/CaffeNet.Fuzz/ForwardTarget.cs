using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Import.Binary;
using CaffeNet.Import.Upgrade;
using CaffeNet.Proto;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Npy;
using Google.Protobuf;

namespace CaffeNet.Fuzz;

/// <summary>
/// A net (prototxt or binary), an optional caffemodel and an optional .npy (see
/// <see cref="ForwardInput"/>) loaded as `run` loads them, then one forward pass on the reference
/// kernels and one on the fused fast path with one thread and with two. An .npy that differs from
/// the first input only in its batch size resizes the net, as with `run --input`; any other .npy
/// gives its values to the first input (repeated to fill it), so NaN, infinities and out-of-range
/// labels reach the kernels.
/// </summary>
sealed class ForwardTarget : IFuzzTarget
{
    public string Name => "forward";

    // A small memory and time budget, checked before anything is allocated for the net: sizes that
    // fit it run in milliseconds, so a slow input is a real hang, not a big net. The library checks
    // memory (its MemoryBudgetException is an expected outcome); the work is checked here.
    static readonly MemoryBudget Memory = MemoryBudget.PerCheck(16 << 20, "the fuzzing budget");
    const long MaxParamFloats = 1 << 20;
    const long MaxMacs = 8_000_000;
    const long MaxOtherOps = 8_000_000;

    public void Run(byte[] input)
    {
        var (definition, caffemodel, npy) = ForwardInput.Split(input);
        var net = Load(definition, caffemodel);
        var graph = GraphBuilder.Build(net, LayerRegistry.Default);
        Tensor? given = npy.Length > 0 && graph.Inputs.Count > 0 ? NpyFile.Parse(npy, "fuzz.npy") : null;
        if (given is { } file && OtherBatch(graph.Inputs[0], file))
        {
            // As `run --input` does with a file of another batch size: the net is lowered again for it.
            var overrides = NetInputs.ShapeOverrides(graph, new Dictionary<string, Tensor> { [graph.Inputs[0].Name] = file });
            graph = GraphBuilder.Build(net, LayerRegistry.Default, new GraphOptions { InputShapes = overrides });
        }
        if (!FitsBudget(graph))
            return;
        var weights = NetWeights.Resolve(graph, MissingWeights.Fill(0), Memory);
        var inputs = NetInputs.Random(graph, seed: 1, Memory);
        if (given is { } values)
            Fill(inputs[graph.Inputs[0].Name], values);
        // Two threads as well: each layer's work split in two takes other paths through the kernels.
        foreach (var options in (ExecutorOptions[])[ExecutorOptions.Reference, ExecutorOptions.Fast(threads: 1), ExecutorOptions.Fast(threads: 2)])
        {
            using var executor = new Executor(graph, weights, options with { Budget = Memory });
            executor.Forward(inputs);
        }
    }

    /// <summary>The net as ModelLoader.Load reads it, from bytes instead of files.</summary>
    static NetParameter Load(byte[] definition, byte[] caffemodel)
    {
        var net = Upgraded(NetBytes.Read(definition, lenient: false), "fuzz.prototxt");
        if (caffemodel.Length == 0)
            return net;
        var trained = Upgraded(BinaryFormat.Parse<NetParameter>(caffemodel, "fuzz.caffemodel"), "fuzz.caffemodel");
        return WeightMerger.Merge(net, trained, "fuzz.caffemodel");
    }

    static NetParameter Upgraded(NetParameter net, string file) =>
        NetUpgrader.NeedsUpgrade(net) ? NetUpgrader.Upgrade(net, file, _ => { }) : net;

    /// <summary>
    /// Refuses nets with more work than the time budget allows, from the graph's costs, before the
    /// library plans their memory: a plan of a huge net is itself slow.
    /// </summary>
    static bool FitsBudget(NetGraph graph)
    {
        if (graph.HasUnknownDims)
            return true; // the executor refuses it with its own error
        long paramFloats = graph.Nodes.Sum(n => n.ParamShapes.Sum(s => s.Count));
        var cost = graph.TotalCost;
        return paramFloats <= MaxParamFloats && cost.Macs <= MaxMacs && cost.ElementwiseOps <= MaxOtherOps;
    }

    static bool OtherBatch(Value input, Tensor file) =>
        input.Shape.IsComplete && file.Rank == input.Shape.Rank && file.Rank > 0 && file.Shape[0] != input.Shape[0]
        && file.Shape.Dims[1..].SequenceEqual(input.Shape.Dims.Skip(1).ToArray());

    static void Fill(Tensor target, Tensor values)
    {
        var to = target.Span;
        var from = values.Span;
        if (from.IsEmpty)
            return;
        for (int i = 0; i < to.Length; i++)
            to[i] = from[i % from.Length];
    }

    public IEnumerable<(string Name, byte[] Data)> Seeds(SeedFiles files)
    {
        foreach (var path in files.Find(16 << 10, ".prototxt"))
        {
            var text = File.ReadAllBytes(path);
            var name = SeedFiles.NameOf(path);
            yield return (name, text);
            // The caffemodel beside it, where it is small.
            var model = Path.ChangeExtension(path, ".caffemodel");
            if (File.Exists(model) && new FileInfo(model).Length <= 64 << 10)
                yield return (name + "-model", ForwardInput.Join(text, File.ReadAllBytes(model), null));
            if (SeedNets.Parse(path) is not { } net)
                continue;
            yield return (name + "-binary", net.ToByteArray());
            if (SeedNets.WithFillerWeights(net, maxParams: 8 << 10) is not { } weighted)
                continue;
            var upgraded = Upgraded(net, "seed");
            yield return (name + "-weights", ForwardInput.Join(text, weighted.ToByteArray(), InputNpy(upgraded, batch: null)));
            yield return (name + "-batch3", ForwardInput.Join(text, weighted.ToByteArray(), InputNpy(upgraded, batch: 3)));
            // The whole definition with its blobs in one binary net, as a caffemodel saved by Caffe is.
            yield return (name + "-binary-weights", WeightMerger.Merge(upgraded, weighted, "seed").ToByteArray());
        }
    }

    /// <summary>An .npy for the net's first input, values in [-1, 1), with <paramref name="batch"/> images
    /// (null: as many as the input has).</summary>
    static byte[]? InputNpy(NetParameter net, int? batch)
    {
        try
        {
            var graph = GraphBuilder.Build(net, LayerRegistry.Default);
            if (graph.Inputs.Count == 0 || graph.Inputs[0].Shape.Rank == 0)
                return null;
            var one = NetInputs.Random(graph, seed: 2)[graph.Inputs[0].Name];
            int[] dims = [.. one.Shape.Dims];
            dims[0] = batch ?? dims[0];
            var values = new float[new TensorShape(dims).Count];
            for (int i = 0; i < values.Length; i++)
                values[i] = one.Span[i % one.Count];
            return NpyFile.Serialize(new Tensor(new TensorShape(dims), values));
        }
        catch (CaffeNetException)
        {
            return null;
        }
    }

    public IEnumerable<string> Dictionary =>
        Tokens.Prototxt().Concat(["\n#@caffemodel@\n", "\n#@npy@\n", "\x93NUMPY", "'<f4'", "'<f8'", "nan", "inf"]);
}
