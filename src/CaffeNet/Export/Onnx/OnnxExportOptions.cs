namespace CaffeNet.Export.Onnx;

/// <summary>How <see cref="OnnxExporter"/> writes a model.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>The opset written when none is asked for: recent, and run well by ONNX Runtime 1.31.</summary>
    public const int DefaultOpset = 17;

    /// <summary>The oldest opset the mappings are written for (single-axis Softmax, Split sizes as an input).</summary>
    public const int MinOpset = 13;

    /// <summary>The newest opset the mappings have been checked against.</summary>
    public const int MaxOpset = 23;

    /// <summary>The version of the standard ONNX operator set the model uses.</summary>
    public int Opset { get; init; } = DefaultOpset;

    /// <summary>The oldest file format revision that can carry <paramref name="opset"/>, as ONNX releases paired them.</summary>
    internal static long IrVersion(int opset) => opset switch
    {
        <= 14 => 7,
        <= 18 => 8,
        <= 20 => 9,
        <= 22 => 10,
        _ => 11,
    };
}
