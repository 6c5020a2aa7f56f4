using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>HDF5Data: each top is a dataset in the HDF5 files, so its shape is not known from the prototxt.</summary>
sealed class HDF5DataDefinition : SourceDefinition
{
    public override string Type => "HDF5Data";

    public override bool SharedBatch => true;

    public override IReadOnlyList<Shape?> Tops(LayerContext c)
    {
        c.Tops(1, int.MaxValue);
        return Enumerable.Repeat<Shape?>(null, c.TopCount).ToList();
    }
}
