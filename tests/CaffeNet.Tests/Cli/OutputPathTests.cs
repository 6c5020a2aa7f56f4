namespace CaffeNet.Tests.Cli;

/// <summary>
/// `-o` naming something other than a regular file (issue 10, case 1): the output is written into
/// it and it stays what it was, so `-o /dev/stdout` prints and a device or FIFO is never replaced.
/// </summary>
public class OutputPathTests
{
    static readonly string LeNet = TestPaths.InTestData("lenet", "lenet.prototxt");

    /// <summary>What `dump` prints without -o: the bytes every other target must receive.</summary>
    static string Printed()
    {
        var r = CliRunner.Run("dump", LeNet);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.StartsWith("Net \"LeNet\"", r.Stdout);
        return r.Stdout;
    }

    [Fact]
    public void DevStdoutPrints()
    {
        var r = CliRunner.Run("dump", LeNet, "-o", "/dev/stdout");

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(Printed(), r.Stdout);
    }

    [Fact]
    public void ALinkToProcSelfFd1PrintsAndStaysALink()
    {
        using var dir = new TempDir();
        var link = dir.File("out.txt");
        File.CreateSymbolicLink(link, "/proc/self/fd/1");

        var r = CliRunner.Run("dump", LeNet, "-o", link);

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(Printed(), r.Stdout);
        Assert.Equal("symbolic link", Coreutils.TypeOf(link));
        Assert.Equal([link], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void AFifoGetsTheDumpAndStaysAFifo()
    {
        using var dir = new TempDir();
        var fifo = dir.File("out.fifo");
        Assert.Equal(0, Coreutils.Run("mkfifo", fifo).ExitCode);
        string? read = null;
        var reader = new Thread(() => read = File.ReadAllText(fifo)) { IsBackground = true };
        reader.Start();

        var r = CliRunner.Run("dump", LeNet, "-o", fifo);

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.True(reader.Join(TimeSpan.FromSeconds(30)));
        Assert.Equal(Printed(), read);
        Assert.Equal("fifo", Coreutils.TypeOf(fifo));
        Assert.Equal([fifo], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void ACharacterDeviceStaysOne()
    {
        using var dir = new TempDir();
        var device = dir.File("null-device");
        // 1:3 is /dev/null. Making one needs privileges (we run as root); without them there is nothing to test.
        if (Coreutils.Run("mknod", device, "c", "1", "3").ExitCode != 0)
            return;

        var r = CliRunner.Run("dump", LeNet, "-o", device);

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("", r.Stdout);
        Assert.Equal("character special file", Coreutils.TypeOf(device));
        Assert.Equal([device], Directory.GetFileSystemEntries(dir.Path));
    }
}
