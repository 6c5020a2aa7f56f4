using CaffeNet.Proto;

namespace CaffeNet.Import.Upgrade;

/// <summary>
/// Top-level `input:` names with `input_shape` or four `input_dim` each become one "Input" layer at
/// the front of the net. Names alone (as old caffemodels carry them) are just removed.
/// </summary>
internal sealed class InputStep : IUpgradeStep
{
    const int LegacyDims = 4;

    public bool IsNeeded(NetParameter net) => net.Input.Count > 0;

    public NetParameter Apply(NetParameter net, UpgradeContext context)
    {
        if (net.InputShape.Count > 0 || net.InputDim.Count > 0)
            net.Layer.Insert(0, InputLayer(net, context));
        net.Input.Clear();
        net.InputShape.Clear();
        net.InputDim.Clear();
        return net;
    }

    static LayerParameter InputLayer(NetParameter net, UpgradeContext context)
    {
        var inputs = net.Input.Count;
        // With both forms present Caffe reads input_shape and ignores input_dim.
        var shapes = net.InputShape.Count > 0 ? net.InputShape.ToList() : DimsAsShapes(net, context);
        if (shapes.Count != inputs)
            throw context.Error("input_shape",
                $"{shapes.Count} input_shape entries for {inputs} inputs ({string.Join(", ", net.Input)}); expected one per input");

        var layer = new LayerParameter { Name = "input", Type = "Input", InputParam = new InputParameter() };
        layer.Top.Add(net.Input);
        layer.InputParam.Shape.Add(shapes);
        return layer;
    }

    static List<BlobShape> DimsAsShapes(NetParameter net, UpgradeContext context)
    {
        var dims = net.InputDim;
        if (dims.Count != LegacyDims * net.Input.Count)
            throw context.Error("input_dim",
                $"{dims.Count} input_dim values for {net.Input.Count} inputs ({string.Join(", ", net.Input)}); expected {LegacyDims} per input (N, C, H, W)");
        return dims.Chunk(LegacyDims).Select(chunk =>
        {
            var shape = new BlobShape();
            shape.Dim.Add(chunk.Select(d => (long)d));
            return shape;
        }).ToList();
    }
}
