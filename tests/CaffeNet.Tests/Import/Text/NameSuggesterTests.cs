using CaffeNet.Import.Text;

namespace CaffeNet.Tests.Import.Text;

/// <summary>Suggestions for misspelt names: distances worked out by hand.</summary>
public class NameSuggesterTests
{
    static readonly string[] Fields = ["name", "type", "bottom", "top", "layer", "convolution_param"];

    [Theory]
    [InlineData("layr", "layer", 1)]            // one deletion
    [InlineData("LAYER", "layer", 0)]           // case is ignored
    [InlineData("nm", "name", 2)]               // short names still count at distance two
    [InlineData("bottm", "bottom", 1)]
    [InlineData("convolution_parma", "convolution_param", 2)] // a swap is two substitutions
    [InlineData("convolutoin_parma", "convolution_param", 4)] // 17 characters allow 4 edits
    public void SuggestsTheNearestWithinTheLimit(string name, string expected, int distance)
    {
        Assert.Equal(expected, NameSuggester.Nearest(name, Fields, out int d));
        Assert.Equal(distance, d);
    }

    [Theory]
    [InlineData("xyz")]                         // three edits from "type" and "top", the nearest
    [InlineData("relu6_param")]                 // far from all of these
    [InlineData("cnovolutoin_parma")]           // six edits: beyond 17 / 4
    public void SuggestsNothingBeyondTheLimit(string name)
    {
        Assert.Null(NameSuggester.Nearest(name, Fields, out int d));
        Assert.Equal(int.MaxValue, d);
    }

    [Fact]
    public void TheFirstDeclaredWinsATie()
    {
        // "tp" is one edit from "top" and two from "type"; "typ" is one from both.
        Assert.Equal("top", NameSuggester.Nearest("tp", Fields, out _));
        Assert.Equal("type", NameSuggester.Nearest("typ", Fields, out _));
    }

    [Theory]
    [InlineData("kitten", "sitting", 10, 3)]
    [InlineData("kitten", "sitting", 2, 3)]     // known to exceed 2: bound + 1
    [InlineData("flaw", "lawn", 5, 2)]
    [InlineData("", "abc", 5, 3)]
    [InlineData("abc", "", 1, 2)]               // lengths differ by more than the bound
    public void DistanceIsLevenshteinUpToTheBound(string a, string b, int bound, int expected)
    {
        Assert.Equal(expected, NameSuggester.Distance(a, b, bound));
        Assert.Equal(expected, NameSuggester.Distance(b, a, bound));
    }

    [Fact]
    public void AHugeNameAllocatesNothing()
    {
        var name = new string('a', 10_000_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var near = NameSuggester.Nearest(name, Fields, out _);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Null(near);
        Assert.Equal(0, allocated);
    }
}
