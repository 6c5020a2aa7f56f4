using CaffeNet.Graph;

namespace CaffeNet.Runtime;

/// <summary>Values for a graph's inputs: seeded random ones, and the checks for given ones.</summary>
internal static class NetInputs
{
    /// <summary>
    /// One tensor per graph input from a stream per input name: uniform in [−1, 1), except inputs
    /// read as labels (the second bottom of SoftmaxWithLoss or Accuracy), which get whole class
    /// numbers in [0, classes) so the loss layers accept them. Inputs named in <paramref name="skip"/>
    /// get none; the others are checked against <paramref name="budget"/> (<see cref="MemoryBudget.Available"/>
    /// when null) before they are made.
    /// </summary>
    public static Dictionary<string, Tensor> Random(NetGraph graph, ulong seed, MemoryBudget? budget = null,
        IReadOnlyCollection<string>? skip = null)
    {
        var made = graph.Inputs.Where(v => skip is null || !skip.Contains(v.Name)).ToList();
        (budget ?? MemoryBudget.Available).Check(
            new MemoryEstimate { Inputs = MemoryEstimate.TensorBytes(made.Select(v => v.Shape)) }, $"net {Excerpt.Name(graph.Name)}");
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var input in made)
        {
            var tensor = new Tensor(new TensorShape([.. input.Shape.Dims]));
            var random = SeededRandom.ForStream(seed, "input/" + input.Name);
            var span = tensor.Span;
            int? classes = LabelClasses(input);
            for (int i = 0; i < span.Length; i++)
                span[i] = classes is int c ? Math.Min((int)(random.NextDouble() * c), c - 1) : random.Uniform(-1, 1);
            result[input.Name] = tensor;
        }
        return result;
    }

    /// <summary>
    /// New shapes for graph inputs given with another shape of the same rank (another batch size,
    /// or another height and width, as pycaffe's blob reshape then net.reshape()), for rebuilding
    /// the graph with <see cref="GraphOptions.InputShapes"/>; a rank that differs is an error.
    /// </summary>
    public static Dictionary<string, Shape> ShapeOverrides(NetGraph graph, IReadOnlyDictionary<string, Tensor> given)
    {
        var overrides = new Dictionary<string, Shape>(StringComparer.Ordinal);
        foreach (var (name, tensor) in given)
        {
            var input = graph.Inputs.FirstOrDefault(v => v.Name == name)
                ?? throw new CaffeNetException(
                    $"net {Excerpt.Name(graph.Name)} has no input {Excerpt.Name(name)} (its inputs: {Excerpt.List(graph.Inputs.Select(v => Excerpt.Plain(v.Name)))})");
            int[] want = [.. input.Shape.Dims];
            var have = tensor.Shape.Dims;
            if (have.SequenceEqual(want))
                continue;
            if (have.Length != want.Length)
                throw new CaffeNetException(
                    $"input {Excerpt.Name(name)} has shape {tensor.Shape}, the net expects {input.Shape}: {have.Length} dimensions where the net has {want.Length}");
            overrides[name] = new Shape(have.ToArray());
        }
        return overrides;
    }

    /// <summary>The class count when the input is the label bottom of a loss or accuracy layer.</summary>
    static int? LabelClasses(Value input)
    {
        foreach (var node in input.Consumers)
        {
            if (node.Type is not ("SoftmaxWithLoss" or "Accuracy") || node.Inputs.Count < 2 || node.Inputs[1] != input)
                continue;
            int axis = node.Attributes switch
            {
                AxisAttributes a => a.Axis,
                AccuracyAttributes a => a.Axis,
                _ => 1,
            };
            return node.Inputs[0].Shape[axis];
        }
        return null;
    }
}
