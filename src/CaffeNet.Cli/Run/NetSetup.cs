using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Proto;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Npy;

namespace CaffeNet.Cli.Run;

/// <summary>
/// What `run` and `init` share: the net loaded and lowered for a phase, and its input values from
/// .npy files or a seed. The graph is rebuilt with the given batch size when a file's shape
/// differs from the net's input only in its first dimension.
/// </summary>
public sealed record NetSetup(NetGraph Graph, Dictionary<string, Tensor> Inputs)
{
    /// <summary>
    /// Loads <paramref name="model"/> (and <paramref name="weights"/>), reads every `NAME=FILE.npy`
    /// in <paramref name="inputSpecs"/> and, when <paramref name="randomSeed"/> is set, makes
    /// seeded values for the inputs not given. Every input must end up with a value.
    /// </summary>
    public static NetSetup Load(string model, string? weights, Phase? phase, IReadOnlyList<string> inputSpecs,
        ulong? randomSeed, ImportOptions import)
    {
        var net = ModelLoader.Load(model, weights, import);
        var given = ReadInputs(inputSpecs);
        var options = new GraphOptions { Phase = phase };
        var graph = WithFileShapes(net, options, given);
        var overrides = NetInputs.BatchOverrides(graph, given);
        if (overrides.Count > 0)
        {
            // Every input keeps the shape it has now (some may come from files) unless a file resizes its batch.
            foreach (var input in graph.Inputs.Where(v => v.Shape.IsComplete))
                overrides.TryAdd(input.Name, input.Shape);
            graph = GraphBuilder.Build(net, options with { InputShapes = overrides });
        }

        var inputs = new Dictionary<string, Tensor>(given, StringComparer.Ordinal);
        if (randomSeed is ulong seed)
        {
            foreach (var (name, tensor) in NetInputs.Random(graph, seed))
                inputs.TryAdd(name, tensor);
        }
        var missing = graph.Inputs.Where(v => !inputs.ContainsKey(v.Name)).ToList();
        if (missing.Count > 0)
            throw new CaffeNetException(
                $"no value for input {string.Join(", ", missing.Select(v => $"'{v.Name}' {v.Shape}"))}; " +
                "give --input NAME=FILE.npy or --random-input");
        return new NetSetup(graph, inputs);
    }

    /// <summary>
    /// The net lowered once, letting data layers leave sizes to their data source; where they do,
    /// the given file's shape is the only place that says it, and the net is lowered again with it.
    /// </summary>
    static NetGraph WithFileShapes(NetParameter net, GraphOptions options, Dictionary<string, Tensor> given)
    {
        var graph = GraphBuilder.Build(net, options with { AllowUnknownDims = true });
        if (!graph.HasUnknownDims)
            return graph;
        var open = graph.Inputs.Where(v => v.Shape.IsKnown && !v.Shape.IsComplete).ToList();
        var missing = open.FirstOrDefault(v => !given.ContainsKey(v.Name));
        if (missing is not null)
            throw new CaffeNetException(
                $"net '{graph.Name}': the shape of input '{missing.Name}' is {missing.Shape}, the rest is kept in its data source; " +
                $"give its values with --input {missing.Name}=FILE.npy");
        var shapes = open.ToDictionary(v => v.Name, v => new Shape(given[v.Name].Shape.Dims.ToArray()), StringComparer.Ordinal);
        return GraphBuilder.Build(net, options with { InputShapes = shapes });
    }

    /// <summary>NAME=FILE.npy; the name is everything before the first '=' (file names may hold '=').</summary>
    static Dictionary<string, Tensor> ReadInputs(IReadOnlyList<string> specs)
    {
        var inputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            int eq = spec.IndexOf('=');
            if (eq <= 0 || eq == spec.Length - 1)
                throw new CaffeNetException($"--input expects NAME=FILE.npy, got '{spec}'");
            var name = spec[..eq];
            if (inputs.ContainsKey(name))
                throw new CaffeNetException($"--input {name} is given twice");
            inputs[name] = NpyFile.Read(spec[(eq + 1)..]);
        }
        return inputs;
    }
}
