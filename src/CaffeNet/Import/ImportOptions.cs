namespace CaffeNet.Import;

/// <summary>How forgiving readers are.</summary>
/// <param name="Lenient">Skip what BVLC's schema does not know (fields forks added, or a field
/// whose wire type differs from ours) instead of refusing the file; each one is reported.</param>
/// <param name="Warning">Receives one line per thing skipped or changed.</param>
public sealed record ImportOptions(bool Lenient = false, Action<string>? Warning = null)
{
    /// <summary>Refuse anything the schema does not know, as protoc does (the default).</summary>
    public static ImportOptions Strict { get; } = new();

    /// <summary>
    /// Fields of LayerParameter that custom layer types read (a fork's `xxx_param`): a prototxt may
    /// set them by name, and they are checked, strictly, against their message type.
    /// </summary>
    public IReadOnlyList<LayerParameterField> LayerFields { get; init; } = [];

    /// <summary>
    /// Read a binary net's float blob data into one shared array (<c>BlobProto.DataAside</c>)
    /// instead of each blob's <c>Data</c>, for callers that only turn the blobs into runtime
    /// weights (`caffenet run` and `bench`): one copy fewer, and no array per blob to collect.
    /// </summary>
    internal bool DataAside { get; init; }
}
