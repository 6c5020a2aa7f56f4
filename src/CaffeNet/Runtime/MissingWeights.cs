namespace CaffeNet.Runtime;

/// <summary>
/// What <see cref="NetWeights.Resolve"/> does with a learnable layer the model gives no blobs:
/// refuse (what a trained model needs), or make them from the prototxt's fillers as Caffe does
/// when it builds a net, which gives random weights.
/// </summary>
public sealed class MissingWeights
{
    MissingWeights(ulong? seed) => Seed = seed;

    /// <summary>Every learnable layer must have its blobs; otherwise a <see cref="MissingWeightsException"/>.</summary>
    public static MissingWeights Refuse { get; } = new(null);

    /// <summary>Blobs the model lacks come from the fillers, drawn from <paramref name="seed"/>.</summary>
    public static MissingWeights Fill(ulong seed) => new(seed);

    /// <summary>The filler seed; null when missing blobs are refused.</summary>
    public ulong? Seed { get; }
}
