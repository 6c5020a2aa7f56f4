using System.Text;
using CaffeNet.Import;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Npy;

namespace CaffeNet.Tests.Runtime;

/// <summary>
/// An .npy is read only up to what its header declares, from any stream, and its array is checked
/// against the memory budget before it is allocated.
/// </summary>
public class NpyReadLimitsTests
{
    /// <summary>A version 1.0 float32 file of the given shape and values, laid out by hand.</summary>
    static byte[] Npy(string shape, params float[] values)
    {
        var header = Encoding.ASCII.GetBytes($"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}\n");
        return [0x93, .. "NUMPY"u8, 1, 0, .. BitConverter.GetBytes((ushort)header.Length), .. header,
            .. values.SelectMany(BitConverter.GetBytes)];
    }

    /// <summary>A pipe-like stream: no length, no seeking; reading past <paramref name="limit"/> bytes fails the test.</summary>
    sealed class PipeStream(byte[] bytes, long limit = long.MaxValue) : Stream
    {
        readonly MemoryStream _inner = new(bytes);

        public override int Read(byte[] buffer, int offset, int count)
        {
            Assert.True(_inner.Position + count <= limit || count <= limit - _inner.Position, "read past the header");
            return _inner.Read(buffer, offset, (int)Math.Min(count, Math.Max(0, limit - _inner.Position)));
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public void ReadsExactlyTheDeclaredBytesFromAPipe()
    {
        var t = NpyFile.Read(new PipeStream(Npy("(2, 3)", 1, 2, 3, 4, 5, 6)), "-");
        Assert.Equal(new TensorShape(2, 3), t.Shape);
        Assert.Equal([1f, 2, 3, 4, 5, 6], t.ToArray());
    }

    [Fact]
    public void APipeThatEndsEarlyIsAnError()
    {
        var bytes = Npy("(2, 3)", 1, 2, 3, 4, 5);
        var e = Assert.Throws<CaffeFormatException>(() => NpyFile.Read(new PipeStream(bytes), "stdin"));
        Assert.Equal($"stdin: byte {bytes.Length - 20}: shape (2, 3) of '<f4' needs 24 bytes of data, the file has 20", e.Message);
    }

    [Fact]
    public void APipeThatGoesOnIsAnError()
    {
        var bytes = Npy("(2,)", 1, 2, 3);
        var e = Assert.Throws<CaffeFormatException>(() => NpyFile.Read(new PipeStream(bytes), "stdin"));
        Assert.Equal($"stdin: byte {bytes.Length - 4}: more data follows the 8 bytes that shape (2,) of '<f4' needs", e.Message);
    }

    [Fact]
    public void TheArrayIsCheckedAgainstTheBudgetBeforeTheDataIsRead()
    {
        // (1000, 1000) floats are 4,000,000 bytes; only the header may be read before the refusal.
        var bytes = Npy("(1000, 1000)");
        var stream = new PipeStream(bytes, limit: bytes.Length);
        var e = Assert.Throws<MemoryBudgetException>(() => NpyFile.Read(stream, "x.npy", MemoryBudget.AtMost(1)));
        Assert.Equal(4_000_000, e.Needed);
        Assert.StartsWith("x.npy: its array of shape (1000, 1000) needs 3.81 MiB; the memory budget allows 1 byte", e.Message);
    }

    [Fact]
    public void AHeaderLongerThanNumpyWritesIsRefusedFromAPipe()
    {
        var bytes = Npy("(1,)", 1);
        bytes[6] = 2; // version 2.0: a 4-byte header length, here 2^31
        bytes = [.. bytes[..8], 0, 0, 0, 0x80, .. bytes[8..]];
        var e = Assert.Throws<CaffeFormatException>(() => NpyFile.Read(new PipeStream(bytes), "stdin"));
        Assert.Equal("stdin: byte 8: header length over 64 KB runs past the end of the file (the limit is 64 KB)", e.Message);
    }

    [Fact]
    public void ARegularFileMustHaveTheDeclaredLength()
    {
        using var dir = new TempDir();
        var path = dir.File("short.npy");
        var bytes = Npy("(1000000,)", 1);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<CaffeFormatException>(() => NpyFile.Read(path));
        Assert.Equal($"{path}: byte {bytes.Length - 4}: shape (1000000,) of '<f4' needs 4000000 bytes of data, the file has 4", e.Message);
    }

    [Fact]
    public async Task DevicesFifosAndFoldersAreRefusedBeforeTheyAreOpened()
    {
        using var dir = new TempDir();
        Assert.Equal("/dev/zero: is a character device, not a regular file",
            Assert.Throws<CaffeNetException>(() => NpyFile.Read("/dev/zero")).Message);
        Assert.Equal($"{dir.Path}: is a folder, not a file",
            Assert.Throws<CaffeNetException>(() => NpyFile.Read(dir.Path)).Message);
        var fifo = Fifo.Make(dir.File("pipe.npy"));
        // Opening a FIFO with no writer would block: the read must fail at once instead.
        var read = Task.Run(() => Assert.Throws<CaffeNetException>(() => NpyFile.Read(fifo)).Message);
        Assert.Equal($"{fifo}: is a FIFO (named pipe), not a regular file", await read.WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
