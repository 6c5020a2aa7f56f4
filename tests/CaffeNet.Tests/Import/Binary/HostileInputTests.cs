using CaffeNet.Import;
using CaffeNet.Import.Binary;
using CaffeNet.Proto;
using static CaffeNet.Tests.Import.Binary.Wire;

namespace CaffeNet.Tests.Import.Binary;

/// <summary>Bad and hostile binaries: each is refused with the byte offset where it goes wrong.</summary>
public class HostileInputTests
{
    static CaffeFormatException Refuse<T>(byte[] bytes, ImportOptions? options = null) where T : Google.Protobuf.IMessage<T>, new() =>
        Assert.Throws<CaffeFormatException>(() => BinaryFormat.Parse<T>(bytes, "f", options));

    [Fact]
    public void BlobClaimingTenToTheTwelveFloatsIsRefusedBeforeAllocating()
    {
        // data (field 5, packed) with a length of 4e12 bytes, then 8 real bytes.
        var bytes = Concat(Tag(BlobData, 2), Varint(4_000_000_000_000), Floats(1f, 2f));

        var e = Refuse<BlobProto>(bytes);

        Assert.Equal("f: byte 0: caffe.BlobProto.data claims 4000000000000 bytes but only 8 remain " +
            "before the end of the file (byte 15)", e.Message);
    }

    [Fact]
    public void NestedClaimIsCheckedAgainstItsEnclosingMessage()
    {
        // name "x" (3 bytes), then a layer whose blob's data claims 10^12 floats; the layer and
        // blob lengths are honest, so only the innermost length lies.
        var data = Concat(Tag(BlobData, 2), Varint(4_000_000_000_000), Floats(1f));
        var bytes = Concat(Field(NetName, Utf8("x")), Field(NetLayer, Field(LayerName, Utf8("c")), Field(LayerBlobs, data)));
        // offsets: name field 0..2; layer tag (2 bytes) at 3, its length at 5; layer name at 6..8;
        // blobs tag at 9, length at 10, data tag at 11.

        var e = Refuse<NetParameter>(bytes);

        Assert.Equal("f: byte 11: caffe.NetParameter.layer[0].blobs[0].data claims 4000000000000 bytes but only 4 " +
            "remain before the end of caffe.NetParameter.layer[0].blobs[0] (byte 22)", e.Message);
    }

    [Fact]
    public void LengthPastEndOfFile()
    {
        // name (7 bytes), then the layer tag and length take 2 bytes each.
        var bytes = Concat(Field(NetName, Utf8("LeNet")), Tag(NetLayer, 2), Varint(1000), [0x0A, 0x01]);

        var e = Refuse<NetParameter>(bytes);

        Assert.Equal("f: byte 7: caffe.NetParameter.layer claims 1000 bytes but only 2 remain " +
            "before the end of the file (byte 13)", e.Message);
    }

    [Fact]
    public void LengthBeyondTwoGigabytesIsNotTruncatedToThirtyTwoBits()
    {
        // 2^32 + 2: Google.Protobuf reads lengths as 32-bit and would see 2.
        var bytes = Concat(Tag(NetName, 2), Varint((1UL << 32) + 2), Utf8("ab"));

        var e = Refuse<NetParameter>(bytes);

        Assert.StartsWith("f: byte 0: caffe.NetParameter.name claims 4294967298 bytes", e.Message);
    }

    [Fact]
    public void TruncatedVarint()
    {
        var e = Refuse<NetParameter>([.. Tag(NetLayer, 0), 0x80, 0x80]);

        Assert.Equal("f: byte 0: caffe.NetParameter.layer is repeated message caffe.LayerParameter, " +
            "but the file has wire type 0 (varint)", e.Message);

        e = Refuse<BlobProto>([.. Tag(BlobNum, 0), 0x80, 0x80]);
        Assert.Equal("f: byte 0: caffe.BlobProto.num: varint cut off by the end of the file (byte 3)", e.Message);
    }

    [Fact]
    public void OverlongVarint()
    {
        var e = Refuse<BlobProto>([.. Tag(BlobNum, 0), .. Enumerable.Repeat((byte)0xFF, 10), 0x01]);

        Assert.Equal("f: byte 0: caffe.BlobProto.num: varint longer than 10 bytes", e.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x00 }, 0, "invalid tag 0 (field number 0); this is not a protobuf caffe.NetParameter here")]
    [InlineData(new byte[] { 0x0A, 0x00, 0x07 }, 2, "invalid tag 7 (field number 0); this is not a protobuf caffe.NetParameter here")]
    [InlineData(new byte[] { 0xFE, 0x01 }, 0, "caffe.NetParameter.field 31 has invalid wire type 6; this is not a protobuf caffe.NetParameter here")]
    [InlineData(new byte[] { 0x0C }, 0, "end-group tag for field 1 with no group open")]
    public void BadTags(byte[] bytes, int offset, string message)
    {
        Assert.Equal($"f: byte {offset}: {message}", Refuse<NetParameter>(bytes).Message);
    }

    [Fact]
    public void TextFileGivenAsBinary()
    {
        // "name: ..." starts with 'n' (0x6E): field 13, wire type 6.
        var e = Refuse<NetParameter>(Utf8("name: \"LeNet\"\nlayer {\n}\n"));

        Assert.Equal("f: byte 0: caffe.NetParameter.field 13 has invalid wire type 6; " +
            "this is not a protobuf caffe.NetParameter here", e.Message);
    }

    [Fact]
    public void WrongWireTypeForAKnownFieldIsAnErrorOrInLenientModeAWarning()
    {
        // BlobProto.data is float: a fixed64 value cannot be one.
        var bytes = Concat(Tag(BlobData, 1), new byte[8], VarintField(BlobNum, 3));
        var e = Refuse<BlobProto>(bytes);
        Assert.Equal("f: byte 0: caffe.BlobProto.data is repeated float, but the file has wire type 1 (64-bit)", e.Message);

        var warnings = new List<string>();
        var blob = BinaryFormat.Parse<BlobProto>(bytes, "f", new ImportOptions(Lenient: true, Warning: warnings.Add));
        Assert.Equal(3, blob.Num);
        Assert.Empty(blob.Data);
        Assert.Equal(["f: byte 0: caffe.BlobProto.data has wire type 1, not that of repeated float; kept as an unknown field"],
            warnings);
    }

    [Fact]
    public void PackedFloatsWhoseLengthIsNotAMultipleOfFour()
    {
        var e = Refuse<BlobProto>(Concat(Tag(BlobData, 2), Varint(6), new byte[6]));

        Assert.Equal("f: byte 0: caffe.BlobProto.data is packed repeated float values of 4 bytes each, " +
            "but its length 6 is not a multiple of 4", e.Message);
    }

    [Fact]
    public void InvalidUtf8InAString()
    {
        var e = Refuse<NetParameter>(Concat(Field(NetName, Utf8("ok")), Field(NetName, [0x61, 0xC3, 0x28])));

        Assert.Equal("f: byte 4: caffe.NetParameter.name is a string but is not valid UTF-8", e.Message);
    }

    [Fact]
    public void DeeplyNestedGroupsStopAtTheDepthLimit()
    {
        // Unknown field 999 as a group, opened 200 times: a stack-overflow attempt.
        var open = Tag(999, 3);
        var bytes = Enumerable.Repeat(open, 200).SelectMany(b => b).ToArray();

        var e = Refuse<NetParameter>(bytes);

        // The root is depth 1, so the 64th group is one too many.
        Assert.Equal($"f: byte {63 * open.Length}: messages nested more than {WireValidator.MaxDepth} deep at " +
            "caffe.NetParameter" + string.Concat(Enumerable.Repeat(".group 999", 63)), e.Message);
    }

    [Fact]
    public void GroupsThatNeverCloseOrCloseTheWrongOne()
    {
        // Tags of fields 998 to 1000 take 2 bytes.
        var e = Refuse<NetParameter>([.. Tag(999, 3), .. VarintField(1000, 5)]);
        Assert.Equal("f: byte 5: group 999 has no end-group tag before the end of the file (byte 5)", e.Message);

        e = Refuse<NetParameter>([.. Tag(999, 3), .. Tag(998, 4)]);
        Assert.Equal("f: byte 2: end-group tag for field 998 inside group 999", e.Message);
    }

    [Fact]
    public void BalancedUnknownGroupsAreKept()
    {
        var group = Concat(Tag(999, 3), VarintField(1, 5), Tag(999, 4));
        var name = Field(NetName, Utf8("n"));

        var net = BinaryFormat.Parse<NetParameter>(Concat(group, name), "f");

        Assert.Equal("n", net.Name);
        // Written back with known fields first, then the unknown group intact.
        Assert.Equal(Concat(name, group), Google.Protobuf.MessageExtensions.ToByteArray(net));
    }

    [Fact]
    public void MillionsOfEmptyLayersAreRefusedAsAMemoryBomb()
    {
        // 3 bytes each on the wire, hundreds of bytes each as LayerParameter objects.
        var empty = Concat(Tag(NetLayer, 2), Varint(0));
        var bytes = new byte[3 * 2_000_000];
        for (int i = 0; i < bytes.Length; i += 3)
            empty.CopyTo(bytes, i);

        var e = Refuse<NetParameter>(bytes);

        Assert.Matches(@"^f: byte \d+: parsing would take more than 278 MiB of objects for a 6000000-byte caffe.NetParameter", e.Message);
    }

    [Fact]
    public void TruncatingARealModelAnywhereIsRefusedWithAnOffset()
    {
        var bytes = File.ReadAllBytes(TestPaths.InTestData("lenet", "lenet_iter_10000.caffemodel"));
        for (int tenth = 1; tenth < 10; tenth++)
        {
            int length = bytes.Length * tenth / 10;
            var e = Refuse<NetParameter>(bytes[..length]);
            Assert.Matches(@"^f: byte \d+: .*(claims \d+ bytes but only \d+ remain|cut off|needs \d+ bytes)", e.Message);
        }
    }
}
