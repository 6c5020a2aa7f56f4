using CaffeNet.Import;
using CaffeNet.Import.Binary;
using CaffeNet.Proto;

namespace CaffeNet.Tests.Import.Binary;

public class BinaryWriterTests
{
    static readonly string LeNet = TestPaths.InTestData("lenet", "lenet_iter_10000.caffemodel");

    [Fact]
    public void WrittenNetReadsBackEqual()
    {
        using var dir = new TempDir();
        var net = BinaryFormat.ReadNet(LeNet);
        var path = dir.File("copy.caffemodel");

        BinaryFormat.Write(net, path);

        Assert.Equal(net, BinaryFormat.ReadNet(path));
        Assert.Equal(File.ReadAllBytes(LeNet), File.ReadAllBytes(path));
        Assert.Equal(["copy.caffemodel"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void OverwritingTheInputItselfWorks()
    {
        using var dir = new TempDir();
        var path = dir.File("net.caffemodel");
        File.Copy(LeNet, path);

        var net = BinaryFormat.ReadNet(path);
        net.Name = "renamed";
        BinaryFormat.Write(net, path);

        Assert.Equal("renamed", BinaryFormat.ReadNet(path).Name);
    }

    [Fact]
    public void MissingFolderFailsCleanly()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "missing", "out.caffemodel");

        var e = Assert.Throws<CaffeNetException>(() => BinaryFormat.Write(new NetParameter(), path));

        Assert.Equal($"{path}: cannot write: folder {Path.Combine(dir.Path, "missing")} does not exist", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void AFolderIsNotOverwritten()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("out.caffemodel"));

        var e = Assert.Throws<CaffeNetException>(() => BinaryFormat.Write(new NetParameter(), dir.File("out.caffemodel")));

        Assert.Equal($"{dir.File("out.caffemodel")}: cannot write: it is a folder", e.Message);
    }

    [Fact]
    public void AFailureHalfWayLeavesTheExistingOutputUntouchedAndNoTemporaryFile()
    {
        using var dir = new TempDir();
        var path = dir.File("out.caffemodel");
        File.WriteAllText(path, "old content");

        var e = Assert.Throws<CaffeNetException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100_000]);
            throw new CaffeNetException("failed mid-way");
        }));

        Assert.Equal("failed mid-way", e.Message);
        Assert.Equal("old content", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }
}
