namespace CaffeNet.Export.Onnx.Layers;

/// <summary>Reductions, whose axes moved from an attribute to an input in opset 18.</summary>
internal static class Reduce
{
    /// <summary>The mean over <paramref name="axes"/>, kept as size-1 axes.</summary>
    public static string Mean(NodeExport e, string x, IReadOnlyList<long> axes, string what) =>
        e.Opset >= 18
            ? e.Step("ReduceMean", what, [x, e.Int64s($"{what}_axes", axes)], OnnxAttribute.Int("keepdims", 1))
            : e.Step("ReduceMean", what, [x], OnnxAttribute.Ints("axes", axes), OnnxAttribute.Int("keepdims", 1));
}
