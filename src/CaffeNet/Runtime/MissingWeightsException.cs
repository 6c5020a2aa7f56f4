using CaffeNet.Graph;

namespace CaffeNet.Runtime;

/// <summary>Learnable layers without blobs, under <see cref="MissingWeights.Refuse"/>.</summary>
public sealed class MissingWeightsException : CaffeNetException
{
    /// <summary>Layers named in the message; the rest are counted.</summary>
    const int Named = 3;

    internal MissingWeightsException(IReadOnlyList<Node> missing, int learnable)
        : base(Describe(missing, learnable))
    {
        Missing = missing;
        Learnable = learnable;
    }

    /// <summary>The learnable layers without blobs, in net order.</summary>
    public IReadOnlyList<Node> Missing { get; }

    /// <summary>How many layers of the net have learnable blobs.</summary>
    public int Learnable { get; }

    static string Describe(IReadOnlyList<Node> missing, int learnable)
    {
        var names = Excerpt.List(missing.Select(n => $"{Excerpt.Name(n.Name)} ({Excerpt.Plain(n.Type)})"), Named);
        return $"no weights for {missing.Count} of the net's {learnable} learnable layers: {names}";
    }
}
