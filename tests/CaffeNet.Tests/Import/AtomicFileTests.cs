using System.Text;
using CaffeNet.Import;

namespace CaffeNet.Tests.Import;

/// <summary>
/// What <see cref="AtomicFile"/> does to outputs that are not plain regular files: devices and
/// FIFOs are written into and stay what they were; a symbolic link stays a link and the file it
/// points to is replaced. The file type is read back with coreutils' stat, not with our code.
/// </summary>
public class AtomicFileTests
{
    static readonly byte[] Content = Encoding.ASCII.GetBytes("new content\n");

    static void Write(string path) => AtomicFile.Write(path, stream => stream.Write(Content));

    [Fact]
    public void AFifoIsWrittenIntoAndStaysAFifo()
    {
        using var dir = new TempDir();
        var fifo = dir.File("out.fifo");
        Assert.Equal(0, Coreutils.Run("mkfifo", fifo).ExitCode);
        // Opening a FIFO for writing waits for a reader, as a shell's `>` does.
        byte[]? read = null;
        var reader = new Thread(() => read = File.ReadAllBytes(fifo)) { IsBackground = true };
        reader.Start();

        Write(fifo);

        Assert.True(reader.Join(TimeSpan.FromSeconds(30)));
        Assert.Equal(Content, read);
        Assert.Equal("fifo", Coreutils.TypeOf(fifo));
        Assert.Equal([fifo], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void DevNullStaysTheCharacterDevice()
    {
        var before = Coreutils.Run("stat", "-c", "%F %t:%T %i", "/dev/null").Stdout;

        Write("/dev/null");

        Assert.Equal("character special file 1:3", Coreutils.Run("stat", "-c", "%F %t:%T", "/dev/null").Stdout);
        Assert.Equal(before, Coreutils.Run("stat", "-c", "%F %t:%T %i", "/dev/null").Stdout);
        Assert.DoesNotContain(Directory.GetFileSystemEntries("/dev"), e => Path.GetFileName(e).StartsWith(".null.", StringComparison.Ordinal));
    }

    [Fact]
    public void ACharacterDeviceMadeWithMknodStaysOne()
    {
        using var dir = new TempDir();
        var device = dir.File("null-device");
        // Device 1:3 is /dev/null. Making one needs privileges (we run as root); without them there is nothing to test.
        if (Coreutils.Run("mknod", device, "c", "1", "3").ExitCode != 0)
            return;

        Write(device);

        Assert.Equal("character special file", Coreutils.TypeOf(device));
        Assert.Equal([device], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void ASymlinkStaysALinkAndTheFileItPointsToIsReplaced()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("links"));
        Directory.CreateDirectory(dir.File("files"));
        var target = dir.File("files/model.prototxt");
        File.WriteAllText(target, "old");
        var link = dir.File("links/out.prototxt");
        File.CreateSymbolicLink(link, "../files/model.prototxt");

        Write(link);

        Assert.Equal("symbolic link", Coreutils.TypeOf(link));
        Assert.Equal("../files/model.prototxt", new FileInfo(link).LinkTarget);
        Assert.Equal(Content, File.ReadAllBytes(target));
        Assert.Equal("regular file", Coreutils.TypeOf(target));
        Assert.Equal([link], Directory.GetFileSystemEntries(dir.File("links")));
        Assert.Equal([target], Directory.GetFileSystemEntries(dir.File("files")));
    }

    [Fact]
    public void ALinkToAMissingFileCreatesThatFile()
    {
        using var dir = new TempDir();
        var link = dir.File("out.caffemodel");
        File.CreateSymbolicLink(link, dir.File("real.caffemodel"));

        Write(link);

        Assert.Equal("symbolic link", Coreutils.TypeOf(link));
        Assert.Equal(Content, File.ReadAllBytes(dir.File("real.caffemodel")));
    }

    [Fact]
    public void AnOpenFileNamedThroughProcIsWrittenIntoNotSwapped()
    {
        // What `-o /dev/stdout > file` gives: a /proc/self/fd link to a regular file another
        // writer holds open. Replacing it would leave that writer on a deleted file.
        using var dir = new TempDir();
        var path = dir.File("stdout.txt");
        File.WriteAllText(path, "previous text that is longer than the new content");
        using var held = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);

        Write($"/proc/self/fd/{held.SafeFileHandle.DangerousGetHandle()}");

        var seen = new byte[100];
        Assert.Equal(Content.Length, held.Read(seen));
        Assert.Equal(Content, seen[..Content.Length]);
        Assert.Equal([path], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void WriteAllChangesNoRegularFileUnlessEveryFileIsWritten()
    {
        using var dir = new TempDir();
        var net = dir.File("net.prototxt");
        File.WriteAllText(net, "old");
        var unwritable = dir.File("no-such-folder/net.caffemodel");

        var e = Assert.Throws<CaffeNetException>(() =>
            AtomicFile.WriteAll((net, s => s.Write(Content)), (unwritable, s => s.Write(Content))));

        Assert.Equal($"{unwritable}: cannot write: folder {dir.File("no-such-folder")} does not exist", e.Message);
        Assert.Equal("old", File.ReadAllText(net));
        Assert.Equal([net], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void WriteAllNeverRemovesADeviceWhenAnotherFileFails()
    {
        // What `optimize -o /dev/null --out-weights missing/x` did as root: the first output was
        // deleted after the second failed, and with it the device.
        using var dir = new TempDir();
        var device = dir.File("null-device");
        if (Coreutils.Run("mknod", device, "c", "1", "3").ExitCode != 0)
            return;

        Assert.Throws<CaffeNetException>(() =>
            AtomicFile.WriteAll((device, s => s.Write(Content)), (dir.File("no-such-folder/x"), s => s.Write(Content))));

        Assert.Equal("character special file", Coreutils.TypeOf(device));
        Assert.Equal([device], Directory.GetFileSystemEntries(dir.Path));
    }
}
