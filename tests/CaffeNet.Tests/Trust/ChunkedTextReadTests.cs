using System.Text;
using CaffeNet.Import;

namespace CaffeNet.Tests.Trust;

/// <summary>
/// Prototxt is decoded from the file in 1 MB chunks straight into its string (issue 10, point 5:
/// reading costs a few times the file's size). It must read exactly what decoding the whole file
/// at once gives, with characters split across chunks and bytes that are not UTF-8.
/// </summary>
public class ChunkedTextReadTests
{
    static readonly (long, Func<long, string>) NoCap = (long.MaxValue, _ => "");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ReadsWhatDecodingTheWholeFileGives(int shift)
    {
        // 3- and 4-byte characters, shifted so that chunk ends fall inside them, and stray bytes.
        var bytes = new List<byte>();
        bytes.AddRange(Enumerable.Repeat((byte)'#', shift));
        var text = string.Concat(Enumerable.Repeat("€😀é", 200_000)) + "\n";
        bytes.AddRange(Encoding.UTF8.GetBytes(text));
        bytes.AddRange([0xFF, 0xE2, 0x82, (byte)'x', 0xF0]);
        using var dir = new TempDir();
        var path = dir.File("t.prototxt");
        File.WriteAllBytes(path, [.. bytes]);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var read = InputFile.ReadAllText(path, NoCap);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(Encoding.UTF8.GetString([.. bytes]), read);
        // The string (2 bytes a character, fewer characters than bytes here), a 1 MB buffer and
        // its 2 MB of scratch characters.
        Assert.True(allocated < 2L * bytes.Count + (4 << 20), $"allocated {allocated} bytes for a file of {bytes.Count}");
    }

    [Fact]
    public void AnEmptyFileIsEmptyText()
    {
        using var dir = new TempDir();
        var path = dir.File("empty.prototxt");
        File.WriteAllBytes(path, []);
        Assert.Equal("", InputFile.ReadAllText(path, NoCap));
    }
}
