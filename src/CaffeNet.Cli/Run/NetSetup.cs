using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Proto;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Npy;

namespace CaffeNet.Cli.Run;

/// <summary>
/// What `run` and `init` share: the net loaded and lowered for a phase, and its input values from
/// .npy files (`-` is standard input) or a seed. The graph is rebuilt with the given batch size
/// when a file's shape differs from the net's input (another batch, height or width), as pycaffe's
/// reshape does. Seeded inputs are
/// made only when asked for, so that a command can check its memory budget first.
/// </summary>
internal sealed record NetSetup(NetGraph Graph, IReadOnlyDictionary<string, Tensor> Given, ulong? RandomSeed)
{
    /// <summary>
    /// Loads <paramref name="model"/> (and <paramref name="weights"/>) and reads every `NAME=FILE.npy`
    /// in <paramref name="inputSpecs"/>, each checked against <paramref name="budget"/> before its
    /// array is allocated. With <paramref name="randomSeed"/>, inputs no file gives will be seeded.
    /// <paramref name="images"/> are inputs already made (from images), taken as a file's values are.
    /// </summary>
    public static NetSetup Load(string model, string? weights, GraphOptions options, IReadOnlyList<string> inputSpecs,
        ulong? randomSeed, ImportOptions import, MemoryBudget budget, IReadOnlyDictionary<string, Tensor>? images = null)
    {
        var net = ModelLoader.Load(model, weights, import);
        var (given, shapes) = ReadInputs(inputSpecs, budget);
        foreach (var (name, tensor) in images ?? new Dictionary<string, Tensor>())
        {
            if (!given.TryAdd(name, tensor) || shapes.ContainsKey(name))
                throw new CaffeNetException($"--input {name} is given twice");
        }
        // A Python data layer's tops have no shape but the one its code makes: a file gives it.
        foreach (var layer in net.Layer.Where(l => l.Type == "Python" && l.Bottom.Count == 0))
            foreach (var top in layer.Top.Where(t => given.ContainsKey(t)))
                shapes.TryAdd(top, new Shape(given[top].Shape.Dims.ToArray()));
        // So is a blob that layers read and none writes (a deploy net's leftover loss label).
        var written = net.Layer.SelectMany(l => l.Top).Concat(net.Input).ToHashSet(StringComparer.Ordinal);
        foreach (var name in given.Keys.Where(n => !written.Contains(n) && net.Layer.Any(l => l.Bottom.Contains(n))))
            shapes.TryAdd(name, new Shape(given[name].Shape.Dims.ToArray()));
        options = options with { InputShapes = shapes };
        var graph = WithFileShapes(net, options, given);
        var overrides = NetInputs.ShapeOverrides(graph, given);
        if (overrides.Count > 0)
        {
            // Every input keeps the shape it has now (some may come from files) unless a file reshapes it.
            foreach (var input in graph.Inputs.Where(v => v.Shape.IsComplete))
                overrides.TryAdd(input.Name, input.Shape);
            graph = GraphBuilder.Build(net, LayerRegistry.Default, options with { InputShapes = overrides });
        }
        return new NetSetup(graph, given, randomSeed);
    }

    /// <summary>The inputs no file gives, which <see cref="Inputs"/> makes from the seed.</summary>
    public IReadOnlyList<Value> Seeded => RandomSeed is null ? [] : [.. Graph.Inputs.Where(v => !Given.ContainsKey(v.Name))];

    /// <summary>What the seeded inputs will take.</summary>
    public long SeededBytes => MemoryEstimate.TensorBytes(Seeded.Select(v => v.Shape));

    /// <summary>An error naming the inputs that neither a file nor the seed gives.</summary>
    public void RequireEveryInput()
    {
        var missing = Graph.Inputs.Where(v => !Given.ContainsKey(v.Name) && RandomSeed is null).ToList();
        if (missing.Count > 0)
            throw new CaffeNetException(
                $"no value for input {Excerpt.List(missing.Select(v => $"{Excerpt.Name(v.Name)} {v.Shape}"))}; " +
                "give --input NAME=FILE.npy or --random-input");
    }

    /// <summary>Every input: the files' values and, for the rest, seeded ones made now.</summary>
    public Dictionary<string, Tensor> Inputs(MemoryBudget budget)
    {
        RequireEveryInput();
        var inputs = new Dictionary<string, Tensor>(Given, StringComparer.Ordinal);
        if (RandomSeed is ulong seed)
        {
            foreach (var (name, tensor) in NetInputs.Random(Graph, seed, budget, [.. Given.Keys]))
                inputs.Add(name, tensor);
        }
        return inputs;
    }

    /// <summary>
    /// The net lowered once, letting data layers leave sizes to their data source; where they do,
    /// the given file's shape is the only place that says it, and the net is lowered again with it.
    /// </summary>
    static NetGraph WithFileShapes(NetParameter net, GraphOptions options, Dictionary<string, Tensor> given)
    {
        var graph = GraphBuilder.Build(net, LayerRegistry.Default, options with { AllowUnknownDims = true });
        if (!graph.HasUnknownDims)
            return graph;
        var shapes = new Dictionary<string, Shape>(options.InputShapes, StringComparer.Ordinal);
        foreach (var v in Open(graph).Where(v => given.ContainsKey(v.Name)))
            shapes[v.Name] = new Shape(given[v.Name].Shape.Dims.ToArray());
        // Lowered again with the files' shapes, as a data layer may size one top from another
        // (DenseImageData's label from its data).
        graph = GraphBuilder.Build(net, LayerRegistry.Default, options with { InputShapes = shapes, AllowUnknownDims = true });
        var missing = Open(graph).FirstOrDefault(v => !given.ContainsKey(v.Name));
        if (missing is not null)
            throw new CaffeNetException(
                $"net {Excerpt.Name(graph.Name)}: the shape of input {Excerpt.Name(missing.Name)} is {missing.Shape}, the rest is kept in its data source; " +
                $"give its values with --input {Excerpt.Plain(missing.Name)}=FILE.npy");
        return GraphBuilder.Build(net, LayerRegistry.Default, options with { InputShapes = shapes });
    }

    static IEnumerable<Value> Open(NetGraph graph) => graph.Inputs.Where(v => v.Shape.IsKnown && !v.Shape.IsComplete);

    /// <summary>
    /// NAME=FILE.npy, or NAME=N,C,H,W for a shape whose values come from --random-input; the name is
    /// everything before the first '=' (file names may hold '='). FILE `-` is standard input,
    /// which only one input can be. A value that reads as a shape is a shape unless such a file exists.
    /// </summary>
    static (Dictionary<string, Tensor> Given, Dictionary<string, Shape> Shapes) ReadInputs(IReadOnlyList<string> specs, MemoryBudget budget)
    {
        var inputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var shapes = new Dictionary<string, Shape>(StringComparer.Ordinal);
        string? fromStandardInput = null;
        foreach (var spec in specs)
        {
            int eq = spec.IndexOf('=');
            if (eq <= 0 || eq == spec.Length - 1)
                throw new CaffeNetException($"--input expects NAME=FILE.npy or NAME=N,C,H,W, got {Excerpt.Name(spec)}");
            var name = spec[..eq];
            var file = spec[(eq + 1)..];
            if (inputs.ContainsKey(name) || shapes.ContainsKey(name))
                throw new CaffeNetException($"--input {Excerpt.Plain(name)} is given twice");
            if (IsShape(file) && !File.Exists(file))
                shapes[name] = InputShapeOption.Parse([spec])[name];
            else if (file == "-")
            {
                if (fromStandardInput is not null)
                    throw new CaffeNetException($"--input {Excerpt.Plain(name)}=- and {Excerpt.Plain(fromStandardInput)}=- both read standard input; only one can");
                fromStandardInput = name;
                using var stdin = Console.OpenStandardInput();
                inputs[name] = NpyFile.Read(stdin, "standard input", budget);
            }
            else
                inputs[name] = NpyFile.Read(file, budget);
        }
        return (inputs, shapes);
    }

    static bool IsShape(string value) => value.Split(',').All(part => part.Length > 0 && part.All(char.IsAsciiDigit));
}
