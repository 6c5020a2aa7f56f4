using CaffeNet.Graph;
using CaffeNet.Graph.Passes;
using CaffeNet.Import;
using CaffeNet.Import.Binary;
using CaffeNet.Import.Upgrade;
using CaffeNet.Proto;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Npy;
using Google.Protobuf;

namespace CaffeNet.Fuzz;

/// <summary>
/// A net (prototxt or binary), an optional caffemodel and an optional .npy (see <see cref="ForwardInput"/>) loaded
/// as `run` loads them, then one forward pass on the reference kernels and one on the fused fast
/// path with one thread and with two. The .npy's values go into the first input (repeated to fill it), so NaN, infinities and
/// out-of-range labels reach the kernels.
/// </summary>
sealed class ForwardTarget : IFuzzTarget
{
    public string Name => "forward";

    // A small memory and time budget, checked before anything is allocated for the net: sizes that
    // fit it run in milliseconds, so a slow input is a real hang, not a big net.
    const long MaxParamFloats = 1 << 20;
    const long MaxArenaFloats = 1 << 20;
    const long MaxMacs = 8_000_000;
    const long MaxOtherOps = 8_000_000;

    public void Run(byte[] input)
    {
        var (net, caffemodel, npy) = ForwardInput.Split(input);
        var graph = GraphBuilder.Build(Load(net, caffemodel));
        if (!FitsBudget(graph))
            return;
        var weights = NetWeights.Resolve(graph, seed: 0);
        var inputs = NetInputs.Random(graph, seed: 1);
        if (npy.Length > 0 && graph.Inputs.Count > 0)
            Fill(inputs[graph.Inputs[0].Name], NpyFile.Parse(npy, "fuzz.npy"));
        // Two threads as well: each layer's work split in two takes other paths through the kernels.
        foreach (var options in (ExecutorOptions[])[ExecutorOptions.Reference, ExecutorOptions.Fast(threads: 1), ExecutorOptions.Fast(threads: 2)])
        {
            using var executor = new Executor(graph, weights, options);
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
    /// Refuses nets over the budget. TODO(memory budget): the library's own budget replaces this
    /// once it lands; then the harness sets a small one and expects its CaffeNetException.
    /// </summary>
    static bool FitsBudget(NetGraph graph)
    {
        if (graph.HasUnknownDims)
            return true; // the executor refuses it with its own error
        long paramFloats = graph.Nodes.Sum(n => n.ParamShapes.Sum(s => s.Count));
        var cost = graph.TotalCost;
        if (paramFloats > MaxParamFloats || cost.Macs > MaxMacs || cost.ElementwiseOps > MaxOtherOps)
            return false;
        // Sizes the plan only after the cheap checks: a plan of a huge net is itself slow.
        return MemoryPlan.For(graph).ArenaFloats <= MaxArenaFloats
            && MemoryPlan.For(graph, GraphOptimizer.Plan(graph)).ArenaFloats <= MaxArenaFloats;
    }

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
            if (SeedNets.WithFillerWeights(net, maxParams: 8 << 10) is { } weighted)
            {
                yield return (name + "-weights", ForwardInput.Join(text, weighted.ToByteArray(), InputNpy(weighted)));
                // The whole definition with its blobs in one binary net, as a caffemodel saved by Caffe is.
                var upgraded = Upgraded(net, "seed");
                yield return (name + "-binary-weights", WeightMerger.Merge(upgraded, weighted, "seed").ToByteArray());
            }
        }
    }

    /// <summary>An .npy of the net's first input shape, values in [-1, 1).</summary>
    static byte[]? InputNpy(NetParameter net)
    {
        try
        {
            var graph = GraphBuilder.Build(net);
            if (graph.Inputs.Count == 0)
                return null;
            return NpyFile.Serialize(NetInputs.Random(graph, seed: 2)[graph.Inputs[0].Name]);
        }
        catch (CaffeNetException)
        {
            return null;
        }
    }

    public IEnumerable<string> Dictionary =>
        Tokens.Prototxt().Concat(["\n#@caffemodel@\n", "\n#@npy@\n", "\x93NUMPY", "'<f4'", "'<f8'", "nan", "inf"]);
}
