using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>MemoryData: data batch_size x channels x height x width, label batch_size.</summary>
sealed class MemoryDataDefinition : SourceDefinition
{
    public override string Type => "MemoryData";

    public override bool SharedBatch => true;

    public override IReadOnlyList<Shape?> Tops(LayerContext c)
    {
        c.Tops(1, 2);
        var p = c.Layer.MemoryDataParam ?? throw c.Error("needs memory_data_param with batch_size, channels, height and width");
        var data = c.Output(p.BatchSize, p.Channels, p.Height, p.Width);
        return DataTops.With(c, data, p.BatchSize);
    }
}
