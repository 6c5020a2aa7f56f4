using System.Text;
using CaffeNet.Import.Text;
using CaffeNet.Proto;
using Google.Protobuf.WellKnownTypes;

namespace CaffeNet.Tests.Import.Text;

/// <summary>
/// Everything real prototxts use. Expected values follow protobuf's text format as protoc 3.21
/// reads it (each case was checked against `protoc --encode`).
/// </summary>
public class TextSyntaxTests
{
    static NetParameter Net(string text) => TextFormat.Parse<NetParameter>(text, "t.prototxt");

    static LayerParameter Layer(string body) => Net("layer {\n" + body + "\n}").Layer.Single();

    [Fact]
    public void CommentsRunToTheEndOfTheLine()
    {
        var net = Net("# a net\nname: \"a\" # trailing # more\n# input: \"x\"\ninput: \"y\" #");
        Assert.Equal("a", net.Name);
        Assert.Equal(["y"], net.Input);
    }

    [Fact]
    public void MessagesTakeBracesOrAnglesWithOrWithoutColon()
    {
        var net = Net("layer { name: \"a\" } layer: { name: \"b\" } layer < name: \"c\" > layer: <name: \"d\">");
        Assert.Equal(["a", "b", "c", "d"], net.Layer.Select(l => l.Name));
    }

    [Fact]
    public void RepeatedFieldsRepeatOrTakeLists()
    {
        var net = Net("input: \"a\" input: [\"b\", 'c'] input_dim: [1, 3, 224, 224] input_dim: 7 input: []");
        Assert.Equal(["a", "b", "c"], net.Input);
        Assert.Equal([1, 3, 224, 224, 7], net.InputDim);
    }

    [Fact]
    public void RepeatedMessagesTakeLists()
    {
        var net = Net("layer [ { name: \"a\" }, < name: \"b\" > ] layer: [{name: \"c\"}] layer: []");
        Assert.Equal(["a", "b", "c"], net.Layer.Select(l => l.Name));
    }

    [Fact]
    public void NestedMessagesFillTheirOwnFields()
    {
        var layer = Layer("name: \"conv\" convolution_param { num_output: 32 kernel_size: 3 weight_filler { type: \"xavier\" } }");
        Assert.Equal(32u, layer.ConvolutionParam.NumOutput);
        Assert.Equal([3u], layer.ConvolutionParam.KernelSize);
        Assert.Equal("xavier", layer.ConvolutionParam.WeightFiller.Type);
    }

    [Fact]
    public void EmptyBlockSetsTheMessage()
    {
        var layer = Layer("dropout_param { }");
        Assert.NotNull(layer.DropoutParam);
        Assert.Equal(0.5f, layer.DropoutParam.DropoutRatio);
    }

    [Theory]
    [InlineData("pool: AVE", PoolingParameter.Types.PoolMethod.Ave)]
    [InlineData("pool: 2", PoolingParameter.Types.PoolMethod.Stochastic)]
    [InlineData("pool: 0x1", PoolingParameter.Types.PoolMethod.Ave)]
    [InlineData("pool: MAX", PoolingParameter.Types.PoolMethod.Max)]
    public void EnumsByNameOrNumber(string field, PoolingParameter.Types.PoolMethod expected)
    {
        Assert.Equal(expected, Layer("pooling_param { " + field + " }").PoolingParam.Pool);
    }

    [Fact]
    public void RepeatedEnumsTakeLists()
    {
        var rule = Net("state { stage: \"s\" } layer { include: { phase: TEST } exclude { phase: 0 } }").Layer[0];
        Assert.Equal(Phase.Test, rule.Include[0].Phase);
        Assert.Equal(Phase.Train, rule.Exclude[0].Phase);
    }

    [Fact]
    public void OpenEnumsOfProto3TakeUnlistedNumbers()
    {
        var value = (Value)TextFormat.Parse(Value.Descriptor, "null_value: 5", "v.txt");
        Assert.Equal(5, (int)value.NullValue);
    }

    [Theory]
    [InlineData("\"plain\"", "plain")]
    [InlineData("'single \"quotes\"'", "single \"quotes\"")]
    [InlineData(@"""\101\x41\x4a\n\t\\\'\""\a\b\f\v\r\?""", "AAJ\n\t\\'\"\a\b\f\v\r?")]
    [InlineData(@"""\1234""", "S4")]          // at most three octal digits
    [InlineData(@"""\x414""", "A4")]          // at most two hex digits
    [InlineData(@"""\0""", "\0")]
    [InlineData("\"ab\" 'cd'\n \"e\"", "abcde")] // adjacent literals concatenate
    [InlineData(@"""\u00e9t\u00E9""", "été")]
    [InlineData(@"""\U0001F600""", "😀")]
    [InlineData(@"""\ud83d\ude00""", "😀")]     // a UTF-16 surrogate pair makes one code point
    [InlineData("\"été\"", "été")]             // raw UTF-8 text
    [InlineData("\"tab\there\"", "tab\there")] // raw control characters other than newline
    [InlineData(@"""\303\251""", "é")]         // escaped UTF-8 bytes
    public void StringsDecodeCEscapes(string literal, string expected)
    {
        Assert.Equal(expected, Net("name: " + literal).Name);
    }

    [Fact]
    public void UnpairedSurrogatesInGivenTextBecomeReplacementCharacters()
    {
        // Only a string handed to Parse can hold one; UTF-8 has no encoding for it.
        Assert.Equal("a\uFFFDb\uFFFD", Net("name: \"a\uD800b\uDC00\"").Name);
        Assert.Equal("\U0001F600", Net("name: \"\uD83D\uDE00\"").Name);
    }

    [Theory]
    [InlineData(@"""\377\000a""", new byte[] { 255, 0, 97 })]
    [InlineData(@"""\777""", new byte[] { 255 })] // protoc keeps the low byte
    [InlineData(@"""é""", new byte[] { 0xC3, 0xA9 })]
    [InlineData(@"""\ud800""", new byte[] { 0xED, 0xA0, 0x80 })] // a lone surrogate, as protoc writes it
    [InlineData(@"""\U00110000""", new byte[] { 0x5C, 0x55, 0x30, 0x30, 0x31, 0x31, 0x30, 0x30, 0x30, 0x30 })]
    [InlineData(@"""a"" ""\001""", new byte[] { 97, 1 })]
    public void BytesFieldsKeepEscapedBytes(string literal, byte[] expected)
    {
        var datum = TextFormat.Parse<Datum>("data: " + literal, "d.txt");
        Assert.Equal(expected, datum.Data.ToByteArray());
    }

    [Theory]
    [InlineData("num_output: 31", 31u)]
    [InlineData("num_output: 0x1F", 31u)]
    [InlineData("num_output: 0X1f", 31u)]
    [InlineData("num_output: 037", 31u)]
    [InlineData("num_output: 0", 0u)]
    [InlineData("num_output: 4294967295", 4294967295u)]
    [InlineData("num_output: 0xFFFFFFFF", 4294967295u)]
    public void Unsigned32(string field, uint expected)
    {
        Assert.Equal(expected, Layer("convolution_param { " + field + " }").ConvolutionParam.NumOutput);
    }

    [Theory]
    [InlineData("axis: -1", -1)]
    [InlineData("axis: - 1", -1)] // the sign is a token of its own
    [InlineData("axis: -0x10", -16)]
    [InlineData("axis: -010", -8)]
    [InlineData("axis: 2147483647", int.MaxValue)]
    [InlineData("axis: -2147483648", int.MinValue)]
    [InlineData("axis: -0x80000000", int.MinValue)]
    public void Signed32(string field, int expected)
    {
        Assert.Equal(expected, Layer("convolution_param { " + field + " }").ConvolutionParam.Axis);
    }

    [Theory]
    [InlineData("random_seed: 9223372036854775807", long.MaxValue)]
    [InlineData("random_seed: -9223372036854775808", long.MinValue)]
    [InlineData("random_seed: -0x8000000000000000", long.MinValue)]
    [InlineData("random_seed: 0", 0L)]
    public void Signed64(string field, long expected)
    {
        Assert.Equal(expected, TextFormat.Parse<SolverParameter>(field, "s.prototxt").RandomSeed);
    }

    [Theory]
    [InlineData("value: 18446744073709551615", ulong.MaxValue)]
    [InlineData("value: 0xFFFFFFFFFFFFFFFF", ulong.MaxValue)]
    [InlineData("value: 01777777777777777777777", ulong.MaxValue)]
    public void Unsigned64(string field, ulong expected)
    {
        Assert.Equal(expected, TextFormat.Parse<UInt64Value>(field, "u.txt").Value);
    }

    [Theory]
    [InlineData("1e-5", 1e-5f)]
    [InlineData("1E+5", 1e5f)]
    [InlineData(".5", 0.5f)]
    [InlineData("5.", 5f)]
    [InlineData("1.e2", 100f)]
    [InlineData("1.0f", 1f)]
    [InlineData("2F", 2f)]
    [InlineData("1e5F", 1e5f)]
    [InlineData("-.5e-3", -0.0005f)]
    [InlineData("3", 3f)]                           // integers are fine in float fields
    [InlineData("0", 0f)]
    [InlineData("99999999999999999999999", 1e23f)]  // beyond 2^64: read as a decimal
    [InlineData("3.4028235e38", float.MaxValue)]
    [InlineData("1.4e-45", float.Epsilon)]
    [InlineData("inf", float.PositiveInfinity)]
    [InlineData("-inf", float.NegativeInfinity)]
    [InlineData("Infinity", float.PositiveInfinity)]
    [InlineData("- INF", float.NegativeInfinity)]
    [InlineData("1e39", float.PositiveInfinity)]    // too large for a float
    [InlineData("3.40282357e38", float.PositiveInfinity)]
    [InlineData("7e-46", 0f)]                       // below half the smallest subnormal
    public void Floats(string text, float expected)
    {
        var lrMult = Layer("param { lr_mult: " + text + " }").Param[0].LrMult;
        Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(lrMult));
    }

    [Fact]
    public void NegativeZeroKeepsItsSign()
    {
        Assert.Equal(unchecked((int)0x80000000), BitConverter.SingleToInt32Bits(Layer("param { lr_mult: -0 }").Param[0].LrMult));
        Assert.Equal(unchecked((int)0x80000000), BitConverter.SingleToInt32Bits(Layer("param { lr_mult: -0.0 }").Param[0].LrMult));
    }

    [Theory]
    [InlineData("nan", 0x7FC00000)]
    [InlineData("NaN", 0x7FC00000)]
    [InlineData("-nan", unchecked((int)0xFFC00000))]
    public void NotANumberIsTheQuietNaN(string text, int bits)
    {
        Assert.Equal(bits, BitConverter.SingleToInt32Bits(Layer("param { lr_mult: " + text + " }").Param[0].LrMult));
    }

    [Theory]
    [InlineData("0.1", 0.1)]
    [InlineData("1e400", double.PositiveInfinity)]
    [InlineData("-1e-400", -0.0)]
    [InlineData("2.2250738585072014e-308", 2.2250738585072014e-308)]
    [InlineData("123456789012345678", 123456789012345678.0)]
    public void Doubles(string text, double expected)
    {
        var blob = TextFormat.Parse<BlobProto>("double_data: " + text, "b.txt");
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(blob.DoubleData.Single()));
    }

    [Fact]
    public void FloatListsFillPackedFields()
    {
        var blob = TextFormat.Parse<BlobProto>("data: [1, -2.5, 1e-3] data: 4 shape { dim: [2, 2] }", "b.txt");
        Assert.Equal([1f, -2.5f, 1e-3f, 4f], blob.Data);
        Assert.Equal([2L, 2L], blob.Shape.Dim);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("t", true)]
    [InlineData("1", true)]
    [InlineData("0x1", true)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("f", false)]
    [InlineData("0", false)]
    [InlineData("00", false)]
    public void Booleans(string text, bool expected)
    {
        // The default is true, so false is only seen if it was read.
        Assert.Equal(expected, Layer("convolution_param { bias_term: " + text + " }").ConvolutionParam.BiasTerm);
    }

    [Fact]
    public void FieldsMayEndWithOneSemicolonOrComma()
    {
        var net = Net("name: \"n\"; input: \"a\", input: \"b\"\nlayer { name: \"l\"; type: \"T\", };\nlayer { name: \"m\" },");
        Assert.Equal("n", net.Name);
        Assert.Equal(["a", "b"], net.Input);
        Assert.Equal(["l", "m"], net.Layer.Select(l => l.Name));
        Assert.Equal("T", net.Layer[0].Type);
    }

    [Fact]
    public void TokensNeedNoSpaceBetweenThemWhereUnambiguous()
    {
        var net = Net("name:\"n\"layer{name:'a'convolution_param{num_output:1}}input_dim:-1");
        Assert.Equal("n", net.Name);
        Assert.Equal(1u, net.Layer[0].ConvolutionParam.NumOutput);
        Assert.Equal([-1], net.InputDim);
    }

    [Fact]
    public void CrLfTabsAndFormFeedsAreWhitespace()
    {
        var net = Net("name: \"n\"\r\nlayer {\r\n\tname: \"a\"\r\n\v\f}\r\n");
        Assert.Equal("n", net.Name);
        Assert.Equal("a", net.Layer[0].Name);
    }

    [Fact]
    public void ByteOrderMarkIsSkipped()
    {
        Assert.Equal("n", Net("\uFEFFname: \"n\"").Name);
    }

    [Fact]
    public void FileWithByteOrderMarkAndCrLfReads()
    {
        using var dir = new TempDir();
        var path = dir.File("bom.prototxt");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("name: \"été\"\r\ninput_dim: 1\r\n")]);
        var net = TextFormat.ParseFile<NetParameter>(path);
        Assert.Equal("été", net.Name);
        Assert.Equal([1], net.InputDim);
    }

    [Fact]
    public void EmptyTextIsAnEmptyMessage()
    {
        Assert.Equal(new NetParameter(), Net(""));
        Assert.Equal(new NetParameter(), Net("  # only a comment\n\n"));
    }

    [Fact]
    public void RequiredFieldsGiven()
    {
        var clip = Layer("clip_param { min: 0 max: 6 }").ClipParam;
        Assert.Equal(0f, clip.Min);
        Assert.Equal(6f, clip.Max);
    }

    [Fact]
    public void ParsesAnyMessageTypeByDescriptor()
    {
        var solver = (SolverParameter)TextFormat.Parse(SolverParameter.Descriptor,
            "net: \"train.prototxt\"\nbase_lr: 0.01\nlr_policy: \"step\"\nmax_iter: 10000\nsolver_mode: CPU\ntest_iter: 100",
            "solver.prototxt");
        Assert.Equal("train.prototxt", solver.Net);
        Assert.Equal(0.01f, solver.BaseLr);
        Assert.Equal(10000, solver.MaxIter);
        Assert.Equal(SolverParameter.Types.SolverMode.Cpu, solver.SolverMode);
        Assert.Equal([100], solver.TestIter);
    }

    [Fact]
    public void ParseFileReadsTestData()
    {
        var net = TextFormat.ParseFile<NetParameter>(TestPaths.InTestData("lenet", "lenet.prototxt"));
        Assert.Equal("LeNet", net.Name);
        Assert.Equal(["data", "conv1", "pool1", "conv2", "pool2", "ip1", "relu1", "ip2", "prob"], net.Layer.Select(l => l.Name));
        Assert.Equal(20u, net.Layer[1].ConvolutionParam.NumOutput);
        Assert.Equal([64L, 1L, 28L, 28L], net.Layer[0].InputParam.Shape[0].Dim);
    }

    [Fact]
    public void ParseFileOfAMissingFileNamesIt()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-dir-caffenet", "missing.prototxt");
        var e = Assert.Throws<CaffeNetException>(() => TextFormat.ParseFile<NetParameter>(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("not found", e.Message);
    }
}
