using CaffeNet.Import;
using CaffeNet.Import.Binary;
using CaffeNet.Proto;
using CsCheck;
using Google.Protobuf;

namespace CaffeNet.Tests.Import.Binary;

/// <summary>
/// Thousands of random and mutated binaries: the reader returns a message or throws
/// CaffeFormatException with a byte offset, and nothing else (no other exception, no hang).
/// </summary>
public class BinaryFuzzTests
{
    /// <summary>Real caffemodels (V2 and V1), with blobs cut to a few values so each try is quick.</summary>
    internal static readonly byte[][] Seeds =
    [
        File.ReadAllBytes(TestPaths.InTestData("mtcnn", "det1.caffemodel")),
        Shrunk(TestPaths.InTestData("mtcnn", "det3.caffemodel")),
        Shrunk(TestPaths.InTestData("lenet", "lenet_iter_10000.caffemodel")),
        Shrunk(TestPaths.InTestData("lenet-v1", "lenet_iter_10000.caffemodel")),
    ];

    static byte[] Shrunk(string path)
    {
        var net = BinaryFormat.ReadNet(path);
        foreach (var blob in net.Layer.SelectMany(l => l.Blobs).Concat(net.Layers.SelectMany(l => l.Blobs)))
        {
            var head = blob.Data.Take(6).ToArray();
            blob.Data.Clear();
            blob.Data.Add(head);
        }
        return net.ToByteArray();
    }

    /// <summary>One of the seeds with 1 to 4 random mutations: byte flips, truncation, varint
    /// corruption (continuation bits), inserted or deleted runs, a duplicated range.</summary>
    internal static byte[] Mutate(int seedIndex, int randomSeed)
    {
        var random = new Random(randomSeed);
        var bytes = new List<byte>(Seeds[seedIndex]);
        for (int m = random.Next(1, 5); m > 0 && bytes.Count > 0; m--)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0:
                    bytes[at] ^= (byte)random.Next(1, 256);
                    break;
                case 1:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 2:
                    // A varint that never ends, or one whose length grows huge.
                    bytes.InsertRange(at, Enumerable.Repeat((byte)0xFF, random.Next(1, 12)));
                    break;
                case 3:
                    bytes.InsertRange(at, Enumerable.Range(0, random.Next(1, 16)).Select(_ => (byte)random.Next(256)));
                    break;
                case 4:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 64), bytes.Count - at));
                    break;
                default:
                    int len = Math.Min(random.Next(1, 256), bytes.Count - at);
                    bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, len));
                    break;
            }
        }
        return [.. bytes];
    }

    static void ReadOrRefuse<T>(byte[] bytes) where T : IMessage<T>, new()
    {
        try
        {
            BinaryFormat.Parse<T>(bytes, "f");
        }
        catch (CaffeFormatException e)
        {
            // The offset shows the validator caught it, not the backstop around Google.Protobuf.
            Assert.Matches(@"^f: byte \d+: ", e.Message);
        }
    }

    static void WithinAMinute(Action sample)
    {
        var run = Task.Run(sample);
        Assert.True(run.Wait(TimeSpan.FromMinutes(1)), "the reader hung");
    }

    [Fact]
    public void MutatedCaffemodels() => WithinAMinute(() =>
        Gen.Select(Gen.Int[0, Seeds.Length - 1], Gen.Int)
            .Select(Mutate)
            .Sample(bytes =>
            {
                ReadOrRefuse<NetParameter>(bytes);
                ReadOrRefuse<BlobProto>(bytes);
            }, iter: 4000, threads: 2));

    [Fact]
    public void RandomBytes() => WithinAMinute(() =>
        Gen.Byte.Array[0, 256].Sample(bytes =>
        {
            ReadOrRefuse<NetParameter>(bytes);
            ReadOrRefuse<BlobProto>(bytes);
        }, iter: 4000, threads: 2));

    [Fact]
    public void MutatedSeedsAreMostlyRefused()
    {
        // Guards the test itself: mutations must actually reach the error paths.
        int refused = 0;
        for (int i = 0; i < 200; i++)
        {
            try
            {
                BinaryFormat.Parse<NetParameter>(Mutate(i % Seeds.Length, i), "f");
            }
            catch (CaffeFormatException)
            {
                refused++;
            }
        }
        Assert.InRange(refused, 100, 200);
    }
}
