using CaffeNet.Import;
using CaffeNet.Import.Text;
using CaffeNet.Import.Upgrade;
using CaffeNet.Proto;

namespace CaffeNet.Tests.Import.Text;

/// <summary>
/// Hostile sizes: a token of megabytes makes a message that quotes at most 80 of its characters,
/// reading it costs a few times the file's size, and a file too large for one string is refused
/// before it is read.
/// </summary>
public class TextHugeInputTests
{
    const int Huge = 1_000_000;

    // What a message shows of a long token: its first 77 characters, then its length.
    static string Head(char c, string quote) => $"{quote}{new string(c, 77)}...{quote} ({Huge} characters)";

    static string Fails(string text, TextParseOptions? options = null)
    {
        var e = Assert.Throws<CaffeFormatException>(() => TextFormat.Parse<NetParameter>(text, "t.prototxt", options));
        Assert.True(e.Message.Length < 300, $"message of {e.Message.Length} characters");
        return e.Message;
    }

    [Fact]
    public void AHugeNumberIsQuotedByItsHead()
    {
        var m = Fails($"layer {{ convolution_param {{ num_output: {new string('9', Huge)} }} }}");
        Assert.Equal($"t.prototxt:1:41: {Head('9', "")} is out of range for field \"num_output\" (uint32) (in layer[0] > convolution_param)", m);
    }

    [Fact]
    public void AHugeNegativeNumberIsQuotedByItsHead()
    {
        var m = Fails($"layer {{ convolution_param {{ axis: -{new string('7', Huge)} }} }}");
        Assert.Equal($"t.prototxt:1:35: -{Head('7', "")} is out of range for field \"axis\" (int32) (in layer[0] > convolution_param)", m);
    }

    [Fact]
    public void AHugeUnknownFieldNameIsQuotedByItsHead()
    {
        var m = Fails($"name: \"n\" {new string('a', Huge)}: 1");
        Assert.Equal($"t.prototxt:1:11: caffe.NetParameter has no field {Head('a', "\"")}", m);
    }

    [Fact]
    public void AHugeSkippedFieldNameIsQuotedByItsHeadInTheWarning()
    {
        var warnings = new List<string>();
        var net = TextFormat.Parse<NetParameter>($"{new string('a', Huge)}: 1 name: \"n\"", "t.prototxt",
            new TextParseOptions { Lenient = true, Warning = warnings.Add });
        Assert.Equal("n", net.Name);
        Assert.Equal([$"t.prototxt:1:1: skipped unknown field {Head('a', "\"")} of caffe.NetParameter"], warnings);
    }

    [Fact]
    public void AHugeEnumValueIsQuotedByItsHead()
    {
        var m = Fails($"layer {{ pooling_param {{ pool: {new string('M', Huge)} }} }}");
        Assert.Equal($"t.prototxt:1:31: field \"pool\" (caffe.PoolingParameter.PoolMethod) has no value {Head('M', "'")} " +
            "(values: MAX, AVE, STOCHASTIC) (in layer[0] > pooling_param)", m);
    }

    [Fact]
    public void AHugeStringWhereANumberBelongsIsQuotedByItsHead()
    {
        var m = Fails($"layer {{ convolution_param {{ num_output: \"{new string('s', Huge - 2)}\" }} }}");
        Assert.Equal($"t.prototxt:1:41: field \"num_output\" (uint32) expects an integer, got \"{new string('s', 76)}... ({Huge} characters) " +
            "(in layer[0] > convolution_param)", m);
    }

    [Fact]
    public void AHugeLayerNameIsQuotedByItsHeadWhereAnErrorIs()
    {
        var m = Fails($"layer {{ name: \"{new string('n', Huge)}\" bottom: 1 }}");
        Assert.EndsWith($" (in layer[0] {Head('n', "\"")})", m);
    }

    [Fact]
    public void AHugeLayerNameAndTypeInALegacyNetAreQuotedByTheirHeads()
    {
        var net = TextFormat.Parse<NetParameter>(
            $"layers {{ layer {{ name: \"{new string('n', Huge)}\" type: \"{new string('t', Huge)}\" }} }}", "old.prototxt");
        var e = Assert.Throws<CaffeFormatException>(() => NetUpgrader.Upgrade(net, "old.prototxt"));
        Assert.StartsWith($"old.prototxt: layers[0] {Head('n', "'")}: unknown V0 layer type {Head('t', "'")}; expected one of ", e.Message);
        Assert.True(e.Message.Length < 1000, $"message of {e.Message.Length} characters");
    }

    [Fact]
    public void ATokenOfEightyCharactersIsQuotedWhole()
    {
        var name = new string('b', Excerpt.MaxChars);
        var m = Fails($"{name}: 1");
        Assert.Equal($"t.prototxt:1:1: caffe.NetParameter has no field \"{name}\"", m);
    }

    // A 20 MB token read from a file: the bytes (1x) and their text (2x, UTF-16) and little more.
    // Quoting the token whole, lower-casing it for the suggestion or copying it into a string
    // would each add at least another 2x.
    [Theory]
    [InlineData("name: \"n\"\n{0}: 1\n", 'a', false)]                                          // unknown field, refused
    [InlineData("{0}: 1\nname: \"n\"\n", 'a', true)]                                           // unknown field, skipped
    [InlineData("layer {{ convolution_param {{ num_output: {0} }} }}\n", '9', false)]        // out of range
    [InlineData("layer {{ dropout_param {{ dropout_ratio: {0} }} }}\n", '9', false)]         // read (as infinity)
    [InlineData("layer {{ pooling_param {{ pool: {0} }} }}\n", 'M', false)]                   // unknown enum value
    public void ReadingAHugeTokenCostsAFewTimesTheFileSize(string template, char fill, bool lenient)
    {
        using var dir = new TempDir();
        var path = dir.File("huge.prototxt");
        File.WriteAllText(path, string.Format(template, new string(fill, 20_000_000)));
        long size = new FileInfo(path).Length;
        var options = new TextParseOptions { Lenient = lenient, Warning = _ => { } };
        // The schema's lookup tables are built on first use; that is not the file's cost.
        try
        {
            TextFormat.Parse<NetParameter>(string.Format(template, fill), "warm-up", options);
        }
        catch (CaffeFormatException)
        {
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            TextFormat.ParseFile<NetParameter>(path, options);
        }
        catch (CaffeFormatException e)
        {
            Assert.True(e.Message.Length < 300, $"message of {e.Message.Length} characters");
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 3.2 * size, $"allocated {allocated} bytes reading a file of {size}");
    }

    [Theory]
    [InlineData(3L << 30)]                        // 3 GiB
    [InlineData(TextFormat.MaxFileBytes + 1)]
    public void AFileTooLargeForOneStringIsRefusedBeforeItIsRead(long size)
    {
        using var dir = new TempDir();
        var path = dir.File("big.prototxt");
        // Sparse: takes no disk space.
        using (var f = new FileStream(path, FileMode.CreateNew))
            f.SetLength(size);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<CaffeNetException>(() => ModelLoader.LoadNet(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var gib = (size / (double)(1L << 30)).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"{path}: is {size} bytes ({gib} GiB); prototxt is read only up to 1000000000 bytes (1 GB)", e.Message);
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes");
    }
}
