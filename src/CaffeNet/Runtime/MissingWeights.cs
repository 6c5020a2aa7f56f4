using CaffeNet.Proto;

namespace CaffeNet.Runtime;

/// <summary>
/// What <see cref="NetWeights.Resolve"/> does with a learnable layer the model gives no blobs:
/// refuse (what a trained model needs), or make them from the prototxt's fillers as Caffe does
/// when it builds a net, which gives random weights.
/// </summary>
internal sealed class MissingWeights
{
    MissingWeights(ulong? seed, FillerParameter? defaultWeightFiller)
    {
        Seed = seed;
        DefaultWeightFiller = defaultWeightFiller;
    }

    /// <summary>The weight fillers <see cref="Fill(ulong, string?)"/> takes for a layer whose prototxt gives none.</summary>
    public static IReadOnlyList<string> DefaultFillerTypes { get; } = ["msra", "xavier", "gaussian"];

    /// <summary>Every learnable layer must have its blobs; otherwise a <see cref="MissingWeightsException"/>.</summary>
    public static MissingWeights Refuse { get; } = new(null, null);

    /// <summary>
    /// Blobs the model lacks come from the fillers, drawn from <paramref name="seed"/>. A
    /// convolution or inner product whose prototxt sets no weight_filler gets Caffe's default
    /// (constant 0), or with <paramref name="defaultWeightFiller"/> msra, xavier or gaussian (std
    /// 0.01, as BVLC's reference nets use it); biases keep their own default.
    /// </summary>
    public static MissingWeights Fill(ulong seed, string? defaultWeightFiller = null) =>
        new(seed, defaultWeightFiller switch
        {
            null => null,
            "msra" or "xavier" => new FillerParameter { Type = defaultWeightFiller },
            "gaussian" => new FillerParameter { Type = "gaussian", Std = 0.01f },
            _ => throw new ArgumentException(
                $"default weight filler {Excerpt.Name(defaultWeightFiller)} is not one of {string.Join(", ", DefaultFillerTypes)}", nameof(defaultWeightFiller)),
        });

    /// <summary>The filler seed; null when missing blobs are refused.</summary>
    public ulong? Seed { get; }

    /// <summary>The weight filler for layers whose prototxt gives none; null for Caffe's constant 0.</summary>
    internal FillerParameter? DefaultWeightFiller { get; }
}
