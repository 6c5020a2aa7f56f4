namespace CaffeNet.Graph;

/// <summary>MemoryData: data batch_size x channels x height x width, label batch_size.</summary>
internal sealed class MemoryDataShape : ISourceShape
{
    public bool SharedBatch => true;

    public IReadOnlyList<Shape?> Tops(LayerContext c)
    {
        c.Tops(1, 2);
        var p = c.Layer.MemoryDataParam ?? throw c.Error("needs memory_data_param with batch_size, channels, height and width");
        var data = c.Output(p.BatchSize, p.Channels, p.Height, p.Width);
        return DataTops.With(c, data, p.BatchSize);
    }
}
