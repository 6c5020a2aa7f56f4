using CaffeNet.Proto;
using CaffeNet.Runtime;

namespace CaffeNet;

/// <summary>How <see cref="CaffeModel.Load(string, string?, CaffeModelOptions?)"/> opens and runs a model.</summary>
public sealed record CaffeModelOptions
{
    /// <summary>Threads a layer's work is split over (the calling thread included); every core by default.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>A batch size for every input, replacing the prototxt's first dimension; null keeps it.</summary>
    public int? Batch { get; init; }

    /// <summary>Shapes for named inputs, replacing what the prototxt says (a data layer's size, another resolution).</summary>
    public IReadOnlyDictionary<string, Shape> InputShapes { get; init; } = new Dictionary<string, Shape>();

    /// <summary>
    /// Blobs to keep for reading after a run, besides the net outputs: a blob name gives its final
    /// value (as pycaffe's <c>net.blobs[name]</c>), a layer name the value that layer writes (for an
    /// in-place layer, its own step). Layers the fast path would fold a kept value into are not fused.
    /// </summary>
    public IReadOnlyList<string> KeepBlobs { get; init; } = [];

    /// <summary>The phase layers are selected for; null keeps the net's own (TEST unless it says otherwise).</summary>
    public Phase? Phase { get; init; }

    /// <summary>Stages added to the net's own, as <c>caffe --stage</c> does.</summary>
    public IReadOnlyList<string> Stages { get; init; } = [];

    /// <summary>
    /// Make the blobs of learnable layers the weights do not give from the prototxt's fillers (random
    /// weights, drawn from <see cref="FillerSeed"/>); off, such a layer is an error.
    /// </summary>
    public bool FillMissingWeights { get; init; }

    /// <summary>The seed of <see cref="FillMissingWeights"/>.</summary>
    public ulong FillerSeed { get; init; }

    /// <summary>The layer types to load with (for custom layers); <see cref="LayerRegistry.Default"/> when null.</summary>
    public LayerRegistry? Registry { get; init; }

    /// <summary>
    /// Run every layer as written on the reference kernels, on one thread (slow; every layer's output
    /// exists). Off (the default), BatchNorm, Scale and activations fold into convolutions, which run
    /// on the SIMD kernels.
    /// </summary>
    public bool Reference { get; init; }

    /// <summary>
    /// The most the model may allocate, in bytes, checked before it allocates (weights, the fast
    /// path's copies, activations); null: what the .NET GC reports this process may have.
    /// </summary>
    public long? MaxMemory { get; init; }

    /// <summary>Skip prototxt fields the schema does not know, each reported to <see cref="Warning"/>, instead of refusing the file.</summary>
    public bool Lenient { get; init; }

    /// <summary>Receives one line per thing skipped, changed or filled while loading.</summary>
    public Action<string>? Warning { get; init; }
}
