using CaffeNet.Graph;

namespace CaffeNet.Export.Onnx.Layers;

/// <summary>
/// Scale as Mul (then Add with bias_term), Bias as Add. The factor spans input axes [axis, axis +
/// num_axes); given trailing size-1 axes it lines up with them under ONNX's broadcasting, which
/// aligns shapes from the last axis. A factor from the second bottom is reshaped the same way.
/// </summary>
internal sealed class ScaleExport(bool isBias) : ILayerExport
{
    public void Export(NodeExport e)
    {
        var a = e.Attributes<ScaleAttributes>();
        int trailing = e.InputDims.Count - a.Axis - a.NumAxes;
        var dims = e.InputDims.Skip(a.Axis).Take(a.NumAxes).Concat(Enumerable.Repeat(1, a.NumAxes == 0 ? 0 : trailing)).ToArray();
        var longDims = dims.Select(d => (long)d).ToArray();
        string Term(int blob, string what) =>
            a.FromInput && blob == 0 ? e.Reshape(e.Inputs[1], dims) : e.Blob(blob, what, longDims);

        if (isBias)
        {
            e.Op("Add", [e.Input, Term(0, "bias")], e.Output);
            return;
        }
        var factor = Term(0, "scale");
        if (!a.BiasTerm)
        {
            e.Op("Mul", [e.Input, factor], e.Output);
            return;
        }
        var scaled = e.Step("Mul", "scaled", [e.Input, factor]);
        // The learned bias is the last blob: the second, or the only one when the factor is an input.
        e.Op("Add", [scaled, e.Blob(e.Blobs.Count - 1, "bias", longDims)], e.Output);
    }
}
