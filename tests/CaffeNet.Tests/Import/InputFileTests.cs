using CaffeNet.Import;

namespace CaffeNet.Tests.Import;

/// <summary>Every model reader refuses what is not a regular file, in the same words, without blocking.</summary>
public class InputFileTests
{
    [Theory]
    [InlineData("net.prototxt", null)]
    [InlineData("net", null)]
    [InlineData("net.prototxt", "weights.caffemodel")]
    public async Task FoldersAndFifosAreRefusedInOneWording(string model, string? weights)
    {
        using var dir = new TempDir();
        var lenet = TestPaths.InTestData("lenet", "lenet.prototxt");
        // The odd one out is a folder, then a FIFO, under the name the reader is given.
        foreach (var make in new Func<string, string>[] { p => Directory.CreateDirectory(p).FullName, Fifo.Make })
        {
            var odd = make(dir.File(Guid.NewGuid().ToString("N") + (weights ?? model)));
            string kind = Directory.Exists(odd) ? "is a folder, not a file" : "is a FIFO (named pipe), not a regular file";
            var load = Task.Run(() => Assert.Throws<CaffeNetException>(
                () => ModelLoader.Load(weights is null ? odd : lenet, weights is null ? null : odd)).Message);
            // Opening a FIFO with no writer would block: a regression times out here instead of hanging.
            Assert.Equal($"{odd}: {kind}", await load.WaitAsync(TimeSpan.FromSeconds(30)));
        }
    }

    [Fact]
    public void ADeviceIsRefusedAsAModel() =>
        Assert.Equal("/dev/zero: is a character device, not a regular file",
            Assert.Throws<CaffeNetException>(() => ModelLoader.Load("/dev/zero", null)).Message);
}
