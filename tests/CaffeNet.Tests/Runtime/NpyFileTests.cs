using System.Text;
using CaffeNet.Import;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Npy;

namespace CaffeNet.Tests.Runtime;

public sealed class NpyFileTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("caffenet-npy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // An .npy image built by hand from the format description: magic, version, header length,
    // the header dict, then raw values.
    static byte[] Npy(string header, byte[] data, int major = 1)
    {
        var h = Encoding.ASCII.GetBytes(header);
        var prefix = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        if (major == 1)
            prefix.AddRange(BitConverter.GetBytes((ushort)h.Length));
        else
            prefix.AddRange(BitConverter.GetBytes((uint)h.Length));
        return [.. prefix, .. h, .. data];
    }

    static byte[] Floats(params float[] v) => v.SelectMany(BitConverter.GetBytes).ToArray();

    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 5 })]
    [InlineData(new[] { 2, 3, 4 })]
    public void WriteThenReadGivesTheSameTensor(int[] dims)
    {
        var t = T.Iota(new TensorShape(dims), -3.5f);
        var path = Path.Combine(_dir, "t.npy");
        NpyFile.Write(path, t);
        var back = NpyFile.Read(path);
        Assert.Equal(t.Shape, back.Shape);
        Assert.Equal(t.ToArray(), back.ToArray());
    }

    [Fact]
    public void WrittenHeaderIsVersionOnePaddedToSixtyFourBytes()
    {
        var bytes = NpyFile.Serialize(T.Iota([1, 3]));
        int headerLength = BitConverter.ToUInt16(bytes, 8);
        Assert.Equal(0, (10 + headerLength) % 64);
        var header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.StartsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), }", header);
        Assert.EndsWith("\n", header);
        Assert.Equal(1, bytes[6]);
        Assert.Equal(Floats(0, 1, 2), bytes[(10 + headerLength)..]);
    }

    [Fact]
    public void OneAxisShapeIsWrittenAsAOneTuple() =>
        Assert.Contains("'shape': (4,)", Encoding.ASCII.GetString(NpyFile.Serialize(T.Iota([4]))));

    [Fact]
    public void ReadsFloat64AndBigEndianAndVersionTwo()
    {
        var f8 = Npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n",
            [.. BitConverter.GetBytes(1.5), .. BitConverter.GetBytes(-2.25)]);
        Assert.Equal([1.5f, -2.25f], NpyFile.Parse(f8, "a.npy").ToArray());

        var big = Npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1, 1), }\n", [0x3F, 0xC0, 0, 0]); // 1.5
        var t = NpyFile.Parse(big, "b.npy");
        Assert.Equal([1, 1], t.Shape);
        Assert.Equal(1.5f, t.Span[0]);

        var v2 = Npy("{\"descr\": \"<f4\", \"shape\": (3L,), \"fortran_order\": False}", Floats(1, 2, 3), major: 2);
        Assert.Equal([1f, 2, 3], NpyFile.Parse(v2, "c.npy").ToArray());
    }

    [Theory]
    [InlineData("not numpy at all", 0, "not a NumPy")]
    public void BadMagic(string content, int offset, string message)
    {
        var e = Assert.Throws<CaffeFormatException>(() => NpyFile.Parse(Encoding.ASCII.GetBytes(content), "x.npy"));
        Assert.StartsWith($"x.npy: byte {offset}: {message}", e.Message);
    }

    [Fact]
    public void UnsupportedVersion()
    {
        var bytes = Npy("{}", [], major: 9);
        var e = Assert.Throws<CaffeFormatException>(() => NpyFile.Parse(bytes, "x.npy"));
        Assert.StartsWith("x.npy: byte 6: unsupported .npy format version 9.0", e.Message);
    }

    [Fact]
    public void HeaderLongerThanTheFile()
    {
        var bytes = Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", Floats(1));
        bytes[8] = 0xFF;
        var e = Assert.Throws<CaffeFormatException>(() => NpyFile.Parse(bytes, "x.npy"));
        Assert.StartsWith("x.npy: byte 8: header length", e.Message);
    }

    [Fact]
    public void UnsupportedDtypeIsReportedAtItsPlaceInTheHeader()
    {
        const string header = "{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }";
        var e = Assert.Throws<CaffeFormatException>(() => NpyFile.Parse(Npy(header, [1, 0, 0, 0]), "x.npy"));
        // the value '<i4' starts at character 10 of the header, which starts at byte 10
        Assert.StartsWith("x.npy: byte 20: dtype '<i4' is not supported", e.Message);
    }

    [Fact]
    public void DataShorterThanTheShapeNeeds()
    {
        const string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }\n";
        var e = Assert.Throws<CaffeFormatException>(() => NpyFile.Parse(Npy(header, Floats(1, 2, 3)), "x.npy"));
        Assert.StartsWith($"x.npy: byte {10 + header.Length}: shape (2, 2) of '<f4' needs 16 bytes of data, the file has 12", e.Message);
    }

    [Fact]
    public void AHugeShapeIsAnErrorNotAnAllocation()
    {
        var bytes = Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }", Floats(1));
        var e = Assert.Throws<CaffeFormatException>(() => NpyFile.Parse(bytes, "x.npy"));
        Assert.Contains("more than", e.Message);
        bytes = Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (10000, 10000), }", Floats(1));
        e = Assert.Throws<CaffeFormatException>(() => NpyFile.Parse(bytes, "x.npy"));
        Assert.Contains("needs 400000000 bytes of data, the file has 4", e.Message);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'shape': (1,), }", "no 'fortran_order'")]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", "Fortran-order")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", "non-negative integer")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}", "expected a string, a tuple")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': True}", "unexpected header key 'extra'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)", "expected ',' or '}'")]
    public void MalformedHeaders(string header, string message)
    {
        var e = Assert.Throws<CaffeFormatException>(() => NpyFile.Parse(Npy(header, Floats(1, 2, 3, 4)), "x.npy"));
        Assert.Contains(message, e.Message);
        Assert.StartsWith("x.npy: byte ", e.Message);
    }

    [Fact]
    public void WriteReplacesAtomicallyAndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(_dir, "out.npy");
        File.WriteAllText(path, "old");
        NpyFile.Write(path, T.Iota([2]));
        Assert.Equal([0f, 1], NpyFile.Read(path).ToArray());
        Assert.Equal(["out.npy"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void WritingIntoAMissingDirectoryIsAUserError()
    {
        var e = Assert.Throws<CaffeNetException>(() => NpyFile.Write(Path.Combine(_dir, "no", "such", "x.npy"), T.Iota([1])));
        Assert.Contains("cannot write", e.Message);
        Assert.Throws<CaffeNetException>(() => NpyFile.Read(Path.Combine(_dir, "missing.npy")));
    }
}
