using CaffeNet.Import;
using CaffeNet.Import.Binary;
using CaffeNet.Proto;
using static CaffeNet.Tests.Import.Binary.Wire;

namespace CaffeNet.Tests.Fuzz;

/// <summary>
/// Found by the `binary` fuzz target: a caffemodel whose clip_param lacks min or max passed the
/// reader, and printed as prototxt it did not parse back. Caffe's own parser refuses such a
/// message (a proto2 required field), and so do we, in both modes.
/// </summary>
public class RequiredFieldFindingTests
{
    const int ClipParam = 148, ClipMin = 1, ClipMax = 2;

    static byte[] Fixed32Field(int field, float value) => [.. Tag(field, 5), .. BitConverter.GetBytes(value)];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ClipWithoutMaxIsRefusedAtItsMessage(bool lenient)
    {
        // layer { clip_param { min: 0 } }: layer tag 0-1 and length 2, clip_param tag 3-4 and length 5, its body from byte 6.
        var bytes = Field(NetLayer, Field(ClipParam, Fixed32Field(ClipMin, 0)));
        var options = new ImportOptions(Lenient: lenient, Warning: _ => { });

        var e = Assert.Throws<CaffeFormatException>(() => BinaryFormat.Parse<NetParameter>(bytes, "f", options));

        Assert.Equal("f: byte 6: caffe.NetParameter.layer[0].clip_param (caffe.ClipParameter) is missing required field \"max\"", e.Message);
    }

    [Fact]
    public void ClipWithBothBoundsIsRead()
    {
        var bytes = Field(NetLayer, Field(ClipParam, Fixed32Field(ClipMax, 6), Fixed32Field(ClipMin, 0)));

        var net = BinaryFormat.Parse<NetParameter>(bytes, "f");

        Assert.Equal(6f, net.Layer[0].ClipParam.Max);
        Assert.True(net.Layer[0].ClipParam.HasMin);
    }
}
