using CaffeNet.Graph;
using CaffeNet.Onnx.Proto;

namespace CaffeNet.Export.Onnx.Layers;

/// <summary>
/// ArgMax as TopK. Caffe puts the larger index first among equal values, ONNX's TopK the smaller,
/// so TopK runs on the input reversed along the axis and the indices are mapped back
/// (size - 1 - i), then cast to float as Caffe outputs them. Without an axis each item's values
/// are searched as one flat row, and the output is N x 1 x k (N x 2 x k with the values after the
/// indices under out_max_val) padded with 1s to the graph's rank.
/// </summary>
internal sealed class ArgMaxExport : ILayerExport
{
    public void Export(NodeExport e)
    {
        var a = e.Attributes<ArgMaxAttributes>();
        var dims = e.InputDims;
        int axis = a.Axis ?? 1;
        var x = e.Input;
        if (a.Axis is null)
            x = e.Reshape(x, [dims[0], dims.Skip(1).Aggregate(1, (p, d) => checked(p * d))]);
        int size = a.Axis is { } given ? dims[given] : dims.Skip(1).Aggregate(1, (p, d) => p * d);

        var reversed = e.Step("Slice", "reversed",
            [x, e.Int64s("starts", -1), e.Int64s("ends", long.MinValue), e.Int64s("axes", axis), e.Int64s("steps", -1)]);
        var values = e.Name("values");
        var reversedIndices = e.Name("reversed_indices");
        e.Op("TopK", [reversed, e.Int64s("k", a.TopK)], [values, reversedIndices],
            OnnxAttribute.Int("axis", axis), OnnxAttribute.Int("largest", 1), OnnxAttribute.Int("sorted", 1));
        var indices = e.Step("Sub", "indices", [e.Int64Scalar("last", size - 1), reversedIndices]);
        var floatIndices = e.Step("Cast", "float_indices", [indices], OnnxAttribute.Int("to", (int)TensorProto.Types.DataType.Float));

        if (a.Axis is not null)
        {
            e.Op("Identity", [a.OutMaxVal ? values : floatIndices], e.Output);
            return;
        }
        var rows = a.OutMaxVal
            ? e.Step("Concat", "rows", [floatIndices, values], OnnxAttribute.Int("axis", 1))
            : floatIndices;
        e.Reshape(rows, e.OutputDims, e.Output);
    }
}
