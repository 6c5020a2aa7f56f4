using CaffeNet.Import;
using CaffeNet.Import.Text;
using CaffeNet.Proto;

namespace CaffeNet.Tests.Import.Text;

/// <summary>Lenient mode skips fields the schema lacks (forks' additions) and warns about each.</summary>
public class TextLenientTests
{
    static (NetParameter Net, List<string> Warnings) Lenient(string text)
    {
        var warnings = new List<string>();
        var net = TextFormat.Parse<NetParameter>(text, "fork.prototxt",
            new TextParseOptions { Lenient = true, Warning = warnings.Add });
        return (net, warnings);
    }

    [Fact]
    public void SkipsAnUnknownBlockWithEverythingInside()
    {
        var (net, warnings) = Lenient(
            "layer {\n  name: \"r6\"\n  roi_pooling_param { pooled_h: 6 inner { a: [1, 2] b: 'x' } }\n  type: \"ROIPooling\"\n}\nlayer { name: \"next\" }");
        Assert.Equal(["r6", "next"], net.Layer.Select(l => l.Name));
        Assert.Equal("ROIPooling", net.Layer[0].Type);
        Assert.Equal(["fork.prototxt:3:3: skipped unknown field \"roi_pooling_param\" of caffe.LayerParameter (in layer[0] \"r6\")"], warnings);
    }

    // A typo must not drop what the user wrote: a name within two edits of a field of the same
    // message (ignoring case) is refused even in lenient mode, however short it is.
    [Theory]
    [InlineData("layr { name: \"a\" }", "1:1", "caffe.NetParameter has no field \"layr\"; did you mean \"layer\"?")]
    [InlineData("Layer { }", "1:1", "caffe.NetParameter has no field \"Layer\"; did you mean \"layer\"?")]
    [InlineData("nm: \"x\"", "1:1", "caffe.NetParameter has no field \"nm\"; did you mean \"name\"?")]
    [InlineData("layer { nmae: \"c\" }", "1:9", "caffe.LayerParameter has no field \"nmae\"; did you mean \"name\"? (in layer[0])")]
    [InlineData("layer { name: \"p\" pooling_parm { } }", "1:19", "caffe.LayerParameter has no field \"pooling_parm\"; did you mean \"pooling_param\"? (in layer[0] \"p\")")]
    [InlineData("layer { name: \"c\" convolution_param { num_ouptut: 3 } }", "1:39",
        "caffe.ConvolutionParameter has no field \"num_ouptut\"; did you mean \"num_output\"? (in layer[0] \"c\" > convolution_param)")]
    public void NearMissesOfAKnownFieldAreRefusedEvenInLenientMode(string text, string at, string message)
    {
        var warnings = new List<string>();
        var e = Assert.Throws<CaffeFormatException>(() =>
            TextFormat.Parse<NetParameter>(text, "f.prototxt", new TextParseOptions { Lenient = true, Warning = warnings.Add }));
        Assert.Equal($"f.prototxt:{at}: {message}", e.Message);
        Assert.Empty(warnings);
    }

    [Fact]
    public void ANameThreeEditsFromEveryFieldIsSkipped()
    {
        // "statexyz" is three edits from "state", the nearest field of NetParameter.
        var (net, warnings) = Lenient("statexyz: 1 name: \"n\"");
        Assert.Equal("n", net.Name);
        Assert.Equal(["fork.prototxt:1:1: skipped unknown field \"statexyz\" of caffe.NetParameter"], warnings);
    }

    [Fact]
    public void SkipsUnknownScalarsOfEveryShape()
    {
        var (net, warnings) = Lenient(
            "a: 1.5 b: -inf c: \"x\" 'y' d: [1, -2, {e: 1}, <f: 2>] g: SOME_ENUM h: -7; i: [] j: { k: 1 } 42: 3, name: \"n\"");
        Assert.Equal("n", net.Name);
        Assert.Equal(9, warnings.Count);
        Assert.Equal("fork.prototxt:1:1: skipped unknown field \"a\" of caffe.NetParameter", warnings[0]);
        Assert.Equal("fork.prototxt:1:92: skipped unknown field \"42\" of caffe.NetParameter", warnings[8]);
    }

    [Fact]
    public void SkippedFieldsInNestedMessagesNameThePath()
    {
        var (net, warnings) = Lenient("layer { name: \"pool1\" pooling_param { pool: MAX torch_pooling: false } }");
        Assert.Equal(PoolingParameter.Types.PoolMethod.Max, net.Layer[0].PoolingParam.Pool);
        Assert.Equal(["fork.prototxt:1:49: skipped unknown field \"torch_pooling\" of caffe.PoolingParameter (in layer[0] \"pool1\" > pooling_param)"], warnings);
    }

    [Fact]
    public void WorksWithoutAWarningCallback()
    {
        var net = TextFormat.Parse<NetParameter>("roi_pooling_param { } name: \"n\"", "f.prototxt", new TextParseOptions { Lenient = true });
        Assert.Equal("n", net.Name);
    }

    [Fact]
    public void DefaultModeRefusesWhatLenientSkips()
    {
        var e = Assert.Throws<CaffeFormatException>(() => TextFormat.Parse<NetParameter>("roi_pooling_param { }", "f.prototxt"));
        Assert.StartsWith("f.prototxt:1:1: caffe.NetParameter has no field \"roi_pooling_param\"", e.Message);
    }

    [Theory]
    [InlineData("name: \"a\" name: \"b\"", "1:11", "is not repeated but is set more than once")]
    [InlineData("layer { pooling_param { pool: MAXX } }", "1:31", "has no value 'MAXX'")]
    [InlineData("x: -foo", "1:5", "expected a value, got 'foo'")] // only inf and nan may follow a minus
    [InlineData("x: }", "1:4", "expected a value, got '}'")]
    [InlineData("x { y: 1 >", "1:10", "expected '}' to close the '{' opened at 1:3, got '>'")]
    [InlineData("x { y: 1", "1:9", "end of file inside the '{' opened at 1:3")]
    [InlineData("x { 'y': 1 }", "1:5", "expected a field name, got 'y'")]
    [InlineData("x 1", "1:3", "expected ':' or '{' after a field name, got '1'")]
    [InlineData("x: [1 2]", "1:7", "expected ',' or ']' in a list, got '2'")]
    public void LenientModeStillRefusesBrokenText(string text, string at, string expected)
    {
        var e = Assert.Throws<CaffeFormatException>(() =>
            TextFormat.Parse<NetParameter>(text, "f.prototxt", new TextParseOptions { Lenient = true }));
        Assert.StartsWith($"f.prototxt:{at}: ", e.Message);
        Assert.Contains(expected, e.Message);
    }
}
