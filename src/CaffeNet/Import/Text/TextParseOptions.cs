namespace CaffeNet.Import.Text;

/// <summary>How forgiving the prototxt reader is.</summary>
internal sealed class TextParseOptions
{
    /// <summary>
    /// Skip fields the schema does not know (forks add e.g. `relu6_param`) instead of refusing the
    /// file; each skipped field is reported through <see cref="Warning"/>.
    /// </summary>
    public bool Lenient { get; init; }

    /// <summary>Receives one `FILE:LINE:COL: message` line per warning.</summary>
    public Action<string>? Warning { get; init; }

    /// <summary>Fields of LayerParameter read by name though BVLC's schema lacks them; kept as unknown fields.</summary>
    public IReadOnlyList<LayerParameterField> LayerFields { get; init; } = [];
}
