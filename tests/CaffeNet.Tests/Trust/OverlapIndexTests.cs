using CaffeNet.Graph;
using CaffeNet.Runtime;

namespace CaffeNet.Tests.Trust;

/// <summary>
/// The memory plan's overlap index and the live-bytes sweep replace scans of every blob; they
/// must give exactly what those scans gave, checked here against the scans themselves.
/// </summary>
public class OverlapIndexTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void FindsExactlyTheRangesThatShareAStep(int seed)
    {
        var random = new Random(seed);
        const int first = -1, last = 200;
        var index = new OverlapIndex<int>(first, last);
        var added = new List<(int First, int Last)>();
        for (int i = 0; i < 400; i++)
        {
            int a = random.Next(first, last + 1);
            // Mostly short ranges, as in a chain, with some long-lived ones.
            int length = random.Next(10) == 0 ? random.Next(last - a + 1) : random.Next(Math.Min(4, last - a + 1));
            var (qa, qb) = (random.Next(first, last + 1), 0);
            qb = Math.Min(last, qa + random.Next(6));

            var found = new List<int>();
            index.Overlapping(qa, qb, found);
            var expected = Enumerable.Range(0, added.Count).Where(k => added[k].First <= qb && qa <= added[k].Last);
            Assert.Equal(expected, found.Order());

            index.Add(a, a + length, added.Count);
            added.Add((a, a + length));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void PeakLiveBytesIsTheLargestSumAtAnyStep(int seed)
    {
        var random = new Random(seed);
        var spans = Enumerable.Range(0, 300).Select(_ =>
        {
            int a = random.Next(-1, 100);
            return (First: a, Last: a + random.Next(30), Bytes: (long)random.Next(1, 1000));
        }).ToList();
        long expected = Enumerable.Range(-1, 102).Max(step => spans.Where(s => s.First <= step && step <= s.Last).Sum(s => s.Bytes));
        Assert.Equal(expected, LiveBytes.Peak(spans, -1, 100));
    }
}
