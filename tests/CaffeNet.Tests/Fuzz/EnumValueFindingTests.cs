using CaffeNet.Import;
using CaffeNet.Import.Binary;
using CaffeNet.Import.Text;
using CaffeNet.Proto;
using static CaffeNet.Tests.Import.Binary.Wire;

namespace CaffeNet.Tests.Fuzz;

/// <summary>
/// Found by the `binary` fuzz target: a caffemodel whose enum field holds a number the enum does
/// not define passed the strict reader, and `convert` then printed it as prototxt (`type: 44`)
/// that no reader accepts. Caffe itself would set such a value aside as an unknown field.
/// </summary>
public class EnumValueFindingTests
{
    const int V1Type = 5, V1BlobShareMode = 1002, PoolingParam = 121, Pool = 1;

    static CaffeFormatException Refuse(byte[] bytes) =>
        Assert.Throws<CaffeFormatException>(() => BinaryFormat.Parse<NetParameter>(bytes, "f"));

    [Fact]
    public void UndefinedV1LayerTypeIsRefusedAtItsByte()
    {
        // layers { type: 44 }: outer tag and length at 0-1, the type's tag at 2, its value at 3.
        var e = Refuse(Field(NetLayers, VarintField(V1Type, 44)));

        Assert.Equal("f: byte 2: caffe.NetParameter.layers[0].type is enum caffe.V1LayerParameter.LayerType, " +
            "which has no value 44", e.Message);
    }

    [Fact]
    public void NegativeValueIsReadAsInt32()
    {
        // layer { pooling_param { pool: -1 } }: two 2-byte tags with 1-byte lengths before pool's tag at 6.
        var e = Refuse(Field(NetLayer, Field(PoolingParam, VarintField(Pool, unchecked((ulong)-1L)))));

        Assert.Equal("f: byte 6: caffe.NetParameter.layer[0].pooling_param.pool is enum caffe.PoolingParameter.PoolMethod, " +
            "which has no value -1", e.Message);
    }

    [Fact]
    public void PackedValuesAreCheckedOneByOne()
    {
        // layers { blob_share_mode: [PERMISSIVE, 5] }: tag 0, length 1, inner tag 2-3, length 4, values at 5 and 6.
        var e = Refuse(Field(NetLayers, Field(V1BlobShareMode, Varint(1), Varint(5))));

        Assert.Equal("f: byte 6: caffe.NetParameter.layers[0].blob_share_mode is enum caffe.V1LayerParameter.DimCheckMode, " +
            "which has no value 5", e.Message);
    }

    [Fact]
    public void LenientReadingReportsTheValueAndReadsTheFieldAsUnsetAsCaffeDoes()
    {
        var warnings = new List<string>();
        var lenient = new ImportOptions(Lenient: true, Warning: warnings.Add);

        var net = BinaryFormat.Parse<NetParameter>(Concat(
            Field(NetLayers, VarintField(V1Type, 44), Field(V1BlobShareMode, Varint(1), Varint(5))),
            Field(NetLayer, Field(PoolingParam, VarintField(Pool, 7)))), "f", lenient);

        Assert.False(net.Layers[0].HasType);
        Assert.Equal([V1LayerParameter.Types.DimCheckMode.Permissive], net.Layers[0].BlobShareMode);
        Assert.False(net.Layer[0].PoolingParam.HasPool);
        Assert.Equal(PoolingParameter.Types.PoolMethod.Max, net.Layer[0].PoolingParam.Pool);
        Assert.Equal([
            "f: byte 2: caffe.NetParameter.layers[0].type is enum caffe.V1LayerParameter.LayerType, " +
                "which has no value 44; read as unset, as Caffe does",
            "f: byte 8: caffe.NetParameter.layers[0].blob_share_mode is enum caffe.V1LayerParameter.DimCheckMode, " +
                "which has no value 5; read as unset, as Caffe does",
            "f: byte 15: caffe.NetParameter.layer[0].pooling_param.pool is enum caffe.PoolingParameter.PoolMethod, " +
                "which has no value 7; read as unset, as Caffe does"], warnings);
    }

    [Fact]
    public void DefinedValuesStillReadAndPrintAsPrototxtThatReadsBack()
    {
        // pool: 1 is AVE; blob_share_mode 1 is PERMISSIVE.
        var net = BinaryFormat.Parse<NetParameter>(Concat(
            Field(NetLayer, Field(PoolingParam, VarintField(Pool, 1))),
            Field(NetLayers, Field(V1BlobShareMode, Varint(1), Varint(0)))), "f");

        Assert.Equal(PoolingParameter.Types.PoolMethod.Ave, net.Layer[0].PoolingParam.Pool);
        Assert.Equal([V1LayerParameter.Types.DimCheckMode.Permissive, V1LayerParameter.Types.DimCheckMode.Strict],
            net.Layers[0].BlobShareMode);
        Assert.Equal(net, TextFormat.Parse<NetParameter>(TextFormat.Print(net), "printed.prototxt"));
    }
}
