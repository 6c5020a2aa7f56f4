namespace CaffeNet.Graph;

/// <summary>HDF5Data: each top is a dataset in the HDF5 files, so its shape is not known from the prototxt.</summary>
internal sealed class HDF5DataShape : ISourceShape
{
    public bool SharedBatch => true;

    public IReadOnlyList<Shape?> Tops(LayerContext c)
    {
        c.Tops(1, int.MaxValue);
        return Enumerable.Repeat<Shape?>(null, c.TopCount).ToList();
    }
}
