using System.Text;
using CaffeNet.Import;
using CaffeNet.Import.Text;
using CaffeNet.Proto;
using Google.Protobuf.WellKnownTypes;

namespace CaffeNet.Tests.Import.Text;

/// <summary>
/// Every input protoc refuses is refused, with `FILE:LINE:COL:` pointing at the culprit (columns
/// counted by hand, 1-based) and a message naming the field and what it expected.
/// </summary>
public class TextErrorTests
{
    static string Fails<T>(string text, string at) where T : Google.Protobuf.IMessage<T>, new()
    {
        var e = Assert.Throws<CaffeFormatException>(() => TextFormat.Parse<T>(text, "t.prototxt"));
        Assert.StartsWith($"t.prototxt:{at}: ", e.Message);
        return e.Message;
    }

    static string Fails(string text, string at) => Fails<NetParameter>(text, at);

    [Fact]
    public void UnknownFieldNamesItsMessageAndSuggestsTheNearest()
    {
        var m = Fails("name: \"a\"\nlayr { }", "2:1");
        Assert.Contains("caffe.NetParameter has no field \"layr\"; did you mean \"layer\"?", m);
    }

    [Fact]
    public void UnknownFieldInALayerSaysWhichLayer()
    {
        var m = Fails("layer {\n  name: \"c1\"\n  relu_parm { }\n}", "3:3");
        Assert.Contains("caffe.LayerParameter has no field \"relu_parm\"; did you mean \"relu_param\"?", m);
        Assert.Contains("(in layer[0] \"c1\")", m);
    }

    [Fact]
    public void UnknownFieldFarFromAnyNameGetsNoSuggestion()
    {
        var m = Fails("layer { name: \"p\" pooling_param { torch_pooling: true } }", "1:35");
        Assert.Contains("caffe.PoolingParameter has no field \"torch_pooling\"", m);
        Assert.Contains("(in layer[0] \"p\" > pooling_param)", m);
        Assert.DoesNotContain("did you mean", m);
    }

    [Fact]
    public void PathCountsRepeatedMessages()
    {
        var m = Fails("layer { name: \"a\" }\nlayer { name: \"b\" bogus: 1 }", "2:19");
        Assert.Contains("(in layer[1] \"b\")", m);
    }

    [Fact]
    public void NonRepeatedScalarSetTwice()
    {
        var m = Fails("name: \"a\"\nname: \"b\"", "2:1");
        Assert.Contains("field \"name\" is not repeated but is set more than once", m);
    }

    [Fact]
    public void NonRepeatedMessageSetTwice()
    {
        var m = Fails("layer {\n  convolution_param { }\n  convolution_param { num_output: 1 }\n}", "3:3");
        Assert.Contains("field \"convolution_param\" is not repeated", m);
    }

    [Fact]
    public void UnknownEnumNameListsTheValues()
    {
        var m = Fails("layer { pooling_param { pool: MAXX } }", "1:31");
        Assert.Contains("field \"pool\" (caffe.PoolingParameter.PoolMethod) has no value 'MAXX'; did you mean MAX?", m);
        Assert.Contains("(values: MAX, AVE, STOCHASTIC)", m);
    }

    [Theory]
    [InlineData("pool: 7", "has no value 7")]
    [InlineData("pool: -1", "has no value -1")]
    [InlineData("pool: max", "has no value 'max'; did you mean MAX?")] // names are case-sensitive
    [InlineData("pool: \"MAX\"", "expects an enum value name or number, got \"MAX\"")]
    [InlineData("pool: 1.0", "expects an enum value name or number, got '1.0'")]
    [InlineData("pool: 2147483648", "2147483648 is out of range for field \"pool\"")]
    public void BadEnumValues(string field, string expected)
    {
        Assert.Contains(expected, Fails("layer { pooling_param { " + field + " } }", "1:31"));
    }

    [Theory]
    [InlineData("num_output: 4294967296", "1:41", "4294967296 is out of range for field \"num_output\" (uint32)")]
    [InlineData("num_output: 0x100000000", "1:41", "0x100000000 is out of range for field \"num_output\" (uint32)")]
    [InlineData("num_output: 99999999999999999999999", "1:41", "is out of range for field \"num_output\"")]
    [InlineData("num_output: -1", "1:41", "field \"num_output\" (uint32) cannot be negative")]
    [InlineData("num_output: 1.5", "1:41", "field \"num_output\" (uint32) expects an integer, got '1.5'")]
    [InlineData("num_output: 1e3", "1:41", "expects an integer, got '1e3'")]
    [InlineData("num_output: 1f", "1:41", "expects an integer, got '1f'")]
    [InlineData("num_output: 1.", "1:41", "expects an integer, got '1.'")]
    [InlineData("num_output: inf", "1:41", "expects an integer, got 'inf'")]
    [InlineData("num_output: +1", "1:41", "expects an integer, got '+'")]
    [InlineData("num_output: true", "1:41", "expects an integer, got 'true'")]
    [InlineData("axis: 2147483648", "1:35", "2147483648 is out of range for field \"axis\" (int32)")]
    [InlineData("axis: -2147483649", "1:35", "-2147483649 is out of range for field \"axis\" (int32)")]
    [InlineData("axis: 0x80000000", "1:35", "0x80000000 is out of range")]
    [InlineData("axis: - - 1", "1:37", "expects an integer, got '-'")]
    [InlineData("bias_term: yes", "1:40", "field \"bias_term\" (bool) expects true or false, got 'yes'")]
    [InlineData("bias_term: TRUE", "1:40", "expects true or false, got 'TRUE'")]
    [InlineData("bias_term: 2", "1:40", "expects true or false, got '2'")]
    [InlineData("bias_term: -1", "1:40", "expects true or false, got '-'")]
    [InlineData("bias_term: \"true\"", "1:40", "expects true or false, got \"true\"")]
    public void BadIntegersAndBooleans(string field, string at, string expected)
    {
        Assert.Contains(expected, Fails("layer { convolution_param { " + field + " } }", at));
    }

    [Fact]
    public void OutOfRange64()
    {
        Assert.Contains("9223372036854775808 is out of range for field \"random_seed\" (int64)",
            Fails<SolverParameter>("random_seed: 9223372036854775808", "1:14"));
        Assert.Contains("-9223372036854775809 is out of range",
            Fails<SolverParameter>("random_seed: -9223372036854775809", "1:14"));
        Assert.Contains("18446744073709551616 is out of range for field \"value\" (uint64)",
            Fails<UInt64Value>("value: 18446744073709551616", "1:8"));
    }

    [Theory]
    [InlineData("0x10", "expects a decimal number, got '0x10'")] // protoc reads no hex or octal as a float
    [InlineData("010", "expects a decimal number, got '010'")]
    [InlineData("00", "expects a decimal number, got '00'")]
    [InlineData("infinit", "field \"lr_mult\" (float) expects a number, got 'infinit'")]
    [InlineData("inff", "expects a number, got 'inff'")]
    [InlineData("+1", "expects a number, got '+'")]
    [InlineData("\"1\"", "expects a number, got \"1\"")]
    [InlineData("- - 1", "expects a number, got '-'")]
    public void BadFloats(string value, string expected)
    {
        Assert.Contains(expected, Fails("layer { param { lr_mult: " + value + " } }", value.StartsWith("- ") ? "1:28" : "1:26"));
    }

    [Theory]
    [InlineData("name: abc", "1:7", "field \"name\" (string) expects a quoted string, got 'abc'")]
    [InlineData("name: 1", "1:7", "expects a quoted string, got '1'")]
    [InlineData("name: [\"a\"]", "1:7", "expects a quoted string, got '['")] // lists are for repeated fields
    [InlineData("name \"a\"", "1:6", "expected ':' after field \"name\", got \"a\"")]
    [InlineData("name { }", "1:6", "expected ':' after field \"name\", got '{'")]
    [InlineData("input_dim [1]", "1:11", "expected ':' after field \"input_dim\", got '['")]
    [InlineData("input_dim:", "1:11", "expects an integer, got end of file")]
    [InlineData("layer name: \"x\"", "1:7", "expected '{' to start field \"layer\" (caffe.LayerParameter), got 'name'")]
    [InlineData("layer: 5", "1:8", "expected '{' to start field \"layer\"")]
    [InlineData("layer", "1:6", "expected '{' to start field \"layer\" (caffe.LayerParameter), got end of file")]
    [InlineData("layer { convolution_param: [{}] }", "1:28", "expected '{' to start field \"convolution_param\"")]
    [InlineData("layer { name: \"a\" >", "1:19", "expected '}' to close the '{' opened at 1:7, got '>'")]
    [InlineData("layer < name: \"a\" }", "1:19", "expected '>' to close the '<' opened at 1:7, got '}'")]
    [InlineData("layer {\n  name: \"a\"\n", "3:1", "end of file inside the '{' opened at 1:7")]
    [InlineData("name: \"a\" }", "1:11", "expected a field name of caffe.NetParameter, got '}'")]
    [InlineData("name: \"a\";;", "1:11", "expected a field name of caffe.NetParameter, got ';'")]
    [InlineData("name: \"a\",;", "1:11", "got ';'")]
    [InlineData(", name: \"a\"", "1:1", "got ','")]
    [InlineData("[caffe.ext]: 1", "1:1", "expected a field name of caffe.NetParameter, got '['")]
    [InlineData("1: 2", "1:1", "expected a field name of caffe.NetParameter, got '1'")]
    [InlineData("input_dim: [1, 2,]", "1:18", "field \"input_dim\" (int32) expects an integer, got ']'")]
    [InlineData("input_dim: [1 2]", "1:15", "expected ',' or ']' in the list of field \"input_dim\", got '2'")]
    [InlineData("input_dim: [1, 2", "1:17", "expected ',' or ']' in the list of field \"input_dim\", got end of file")]
    [InlineData("layer: [{}, ]", "1:13", "expected '{' to start field \"layer\"")]
    [InlineData("layer: [{} {}]", "1:12", "expected ',' or ']' in the list of field \"layer\", got '{'")]
    public void BadStructure(string text, string at, string expected)
    {
        Assert.Contains(expected, Fails(text, at));
    }

    [Theory]
    [InlineData("name: \"abc", "1:7", "string is not closed before the end of the file")]
    [InlineData("name: \"abc\ninput: \"x\"", "1:7", "string is not closed before the end of the line")]
    [InlineData("name: 'abc\"", "1:7", "string is not closed")]
    [InlineData("name: \"a\\qb\"", "1:9", "invalid escape sequence '\\q' in a string")]
    [InlineData("name: \"a\\X41\"", "1:9", "invalid escape sequence '\\X'")] // protoc 3.21 knows only \x
    [InlineData("name: \"a\\8\"", "1:9", "invalid escape sequence '\\8'")]
    [InlineData("name: \"\\x\"", "1:8", "\\x must be followed by a hex digit")]
    [InlineData("name: \"\\xg\"", "1:8", "\\x must be followed by a hex digit")]
    [InlineData("name: \"\\u00e\"", "1:8", "\\u must be followed by four hex digits")]
    [InlineData("name: \"\\U00200000\"", "1:8", "\\U must be followed by eight hex digits")]
    [InlineData("name: \"a\\\nb\"", "1:9", "invalid escape sequence")]
    [InlineData("input_dim: 08", "1:13", "8 and 9 are not octal digits")]
    [InlineData("input_dim: 0x", "1:14", "\"0x\" must be followed by hex digits")]
    [InlineData("input_dim: 0xg", "1:14", "\"0x\" must be followed by hex digits")]
    [InlineData("input_dim: 1abc", "1:13", "need a space between a number and an identifier")]
    [InlineData("input_dim: 1_000", "1:13", "need a space between a number and an identifier")]
    [InlineData("layer { param { lr_mult: 1e } }", "1:28", "\"e\" must be followed by an exponent")]
    [InlineData("layer { param { lr_mult: 1e+ } }", "1:29", "\"e\" must be followed by an exponent")]
    [InlineData("layer { param { lr_mult: 1.5.3 } }", "1:29", "a number cannot have a second decimal point or exponent")]
    [InlineData("layer { param { lr_mult: 1e5.3 } }", "1:29", "a number cannot have a second decimal point")]
    [InlineData("layer { param { lr_mult: 00.5 } }", "1:28", "hex and octal numbers must be integers")]
    [InlineData("name: \"a\" foo.5", "1:14", "need a space between an identifier and a decimal point")]
    [InlineData("name: \"a\"\n\u0001", "2:1", "invalid control character U+0001")]
    [InlineData("name: \"a\"\0", "1:10", "invalid control character U+0000")]
    [InlineData("# comment \0\nname: \"a\"", "1:11", "invalid control character U+0000")]
    [InlineData("name: \"a\0b\"", "1:9", "invalid control character U+0000 in a string")]
    [InlineData("name: \"a\" é", "1:11", "unexpected character 'é' (U+00E9) outside a string or comment")]
    [InlineData("name:\u00A0\"a\"", "1:6", "unexpected character")] // a no-break space is not whitespace
    [InlineData("name: \"a\" \u007F", "1:11", "expected a field name of caffe.NetParameter")]
    [InlineData("name: \"a\" / input: \"b\"", "1:11", "expected a field name of caffe.NetParameter, got '/'")] // no C++ comments
    public void BadTokens(string text, string at, string expected)
    {
        Assert.Contains(expected, Fails(text, at));
    }

    [Fact]
    public void FilesAreReadAsUtf8Only()
    {
        // protoc reads bytes; a UTF-16 file is not prototxt to it, whatever its byte order mark says.
        using var dir = new TempDir();
        var path = dir.File("utf16.prototxt");
        File.WriteAllText(path, "name: \"a\"", Encoding.Unicode);
        var e = Assert.Throws<CaffeFormatException>(() => TextFormat.ParseFile<NetParameter>(path));
        Assert.StartsWith($"{path}:1:1: unexpected character", e.Message);
    }

    [Fact]
    public void BytesThatAreNotUtf8AreFineInComments()
    {
        using var dir = new TempDir();
        var path = dir.File("latin1.prototxt");
        File.WriteAllBytes(path, [.. "# Gr"u8, 0xF6, 0xDF, .. "e\nname: \"a\"\n"u8]);
        Assert.Equal("a", TextFormat.ParseFile<NetParameter>(path).Name);
    }

    [Fact]
    public void MissingRequiredFieldPointsAtItsBlock()
    {
        var m = Fails("layer { clip_param { min: 0 } }", "1:20");
        Assert.Contains("caffe.ClipParameter is missing required field \"max\"", m);
        Assert.Contains("(in layer[0] > clip_param)", m);
    }

    [Fact]
    public void TwoMembersOfAOneof()
    {
        var m = Fails<Value>("number_value: 1 string_value: \"a\"", "1:17");
        Assert.Contains("field \"string_value\" is set along with \"number_value\"; they share oneof \"kind\"", m);
    }

    [Fact]
    public void MapFieldsAreRefused()
    {
        Assert.Contains("map field \"fields\" is not supported", Fails<Struct>("fields { key: \"a\" }", "1:8"));
    }

    // ListValue and Value nest each other, so text can nest as deep as it likes.
    static string Nested(int pairs) =>
        new StringBuilder().Insert(0, "list_value { values { ", pairs).Append("bool_value: true")
            .Append(new string('}', 2 * pairs)).ToString();

    [Fact]
    public void HundredLevelsOfNestingRead()
    {
        var value = TextFormat.Parse<Value>(Nested(50), "deep.txt");
        for (int i = 0; i < 50; i++)
            value = value.ListValue.Values[0];
        Assert.True(value.BoolValue);
    }

    [Fact]
    public void DeeperNestingIsRefusedNotAStackOverflow()
    {
        // The 101st '{' opens the 51st pair: 50 pairs of 22 characters, then "list_value {".
        var m = Fails<Value>(Nested(51), "1:1112");
        Assert.Contains("messages nest deeper than 100 levels", m);
        Fails<Value>(Nested(100_000), "1:1112");
    }

    [Fact]
    public void DeeplyNestedUnknownBlocksAreRefusedInLenientMode()
    {
        var text = "foo " + new StringBuilder().Insert(0, "{ a ", 100_000);
        var e = Assert.Throws<CaffeFormatException>(() =>
            TextFormat.Parse<NetParameter>(text, "t.prototxt", new TextParseOptions { Lenient = true }));
        Assert.Contains("nest deeper than 100 levels", e.Message);
        var lists = "foo: " + new string('[', 100_000);
        e = Assert.Throws<CaffeFormatException>(() =>
            TextFormat.Parse<NetParameter>(lists, "t.prototxt", new TextParseOptions { Lenient = true }));
        Assert.Contains("nest deeper than 100 levels", e.Message);
    }
}
