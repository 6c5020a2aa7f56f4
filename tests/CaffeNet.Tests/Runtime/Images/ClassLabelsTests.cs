using CaffeNet.Runtime.Images;

namespace CaffeNet.Tests.Runtime.Images;

public class ClassLabelsTests
{
    [Fact]
    public void SynsetFileGivesTheThousandImageNetNames()
    {
        var labels = ClassLabels.Load(TestPaths.InTestData("images", "synset.txt"));
        Assert.Equal(1000, labels.Count);
        Assert.Equal("tench, Tinca tinca", labels[0]);
        Assert.Equal("n01440764", labels.IdOf(0));
        // Quoted with '' for an apostrophe.
        Assert.Equal("jack-o'-lantern", labels[607]);
        Assert.Equal("toilet tissue, toilet paper, bathroom tissue", labels[999]);
    }

    [Fact]
    public void PlainLinesAreNamesAsTheyStand()
    {
        var labels = ClassLabels.Parse(["cat", "  dog ", "n123 not an id", "", ""], "x.txt");
        Assert.Equal(3, labels.Count);
        Assert.Equal("dog", labels[1]);
        Assert.Equal("n123 not an id", labels[2]);
        Assert.Null(labels.IdOf(2));
    }

    [Fact]
    public void TopIsHighestFirstWithTiesByClass()
    {
        Assert.Equal([(3, 0.4f), (1, 0.2f), (2, 0.2f)], ClassLabels.Top([0.1f, 0.2f, 0.2f, 0.4f, 0.1f], 3));
    }
}
