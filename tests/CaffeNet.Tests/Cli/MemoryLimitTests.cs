using System.Text;

namespace CaffeNet.Tests.Cli;

/// <summary>
/// Nets and inputs too big for memory, and inputs that are not files, are refused with one line and
/// exit code 2, never "Out of memory." and 134. Cases that would allocate gigabytes if the check
/// failed run under a 1 GiB GC heap limit, so a regression dies fast instead of filling the machine.
/// </summary>
public class MemoryLimitTests
{
    static readonly Dictionary<string, string> OneGiBHeap = new() { ["DOTNET_GCHeapHardLimit"] = "0x40000000" };
    static readonly Dictionary<string, string> NoChange = [];

    static string Lenet => TestPaths.InTestData("lenet", "lenet.prototxt");

    /// <summary>Exit 2 and one line on stderr; returns that line.</summary>
    static string Refused(CliRunner.Result r)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Stderr}");
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        return lines[0];
    }

    // 50000 inputs x 40000 outputs: 2,000,000,000 weights + 40,000 biases, 8,000,160,000 bytes.
    const string EightGigabyteInnerProduct = """
        name: "big"
        input: "data"
        input_shape { dim: 1 dim: 50000 }
        layer { name: "ip" type: "InnerProduct" bottom: "data" top: "ip"
                inner_product_param { num_output: 40000 weight_filler { type: "gaussian" std: 0.01 } } }
        """;

    [Fact]
    public void AnEightGigabyteInnerProductIsRefusedAndDumpShowsItsSize()
    {
        using var dir = new TempDir();
        var net = dir.File("big.prototxt");
        File.WriteAllText(net, EightGigabyteInnerProduct);
        // Weights and the fused path's folded copy: 2 x 7.45 GiB; the input 195 KiB, the output 156 KiB (kept and written).
        Assert.StartsWith("caffenet run: net 'big' needs 14.9 GiB (inputs 195 KiB, weights 7.45 GiB, fast-path weight copies 7.45 GiB, ",
            Refused(CliRunner.Run(OneGiBHeap, null, "run", net, "--random-input")));
        // init writes the weights: they are copied into the message written, the largest blob once more on its way.
        Assert.StartsWith("caffenet init: net 'big' needs 22.4 GiB (weights 7.45 GiB, outputs 14.9 GiB); ",
            Refused(CliRunner.Run(OneGiBHeap, null, "init", net, "-o", dir.File("big.caffemodel"))));
        Assert.False(File.Exists(dir.File("big.caffemodel")));

        var dump = CliRunner.Run("dump", net);
        Assert.Equal(0, dump.ExitCode);
        Assert.Contains("Params:      2,000,040,000 (2G, 7.45 GiB as float32)", dump.Stdout);
    }

    [Fact]
    public void AThreeGigabyteInputIsRefused()
    {
        using var dir = new TempDir();
        var net = dir.File("image.prototxt");
        // 3 x 16384 x 16384 floats: 3 GiB.
        File.WriteAllText(net, """
            name: "image"
            input: "data"
            input_shape { dim: 1 dim: 3 dim: 16384 dim: 16384 }
            layer { name: "relu" type: "ReLU" bottom: "data" top: "data" }
            """);
        var line = Refused(CliRunner.Run(OneGiBHeap, null, "run", net, "--random-input"));
        Assert.StartsWith("caffenet run: net 'image' needs ", line);
        Assert.Contains("inputs 3.00 GiB", line);
        Assert.Matches(@"; [0-9.]+ MiB is available \(the GC heap limit 1.00 GiB less [0-9.]+ [KM]iB in use and a 64.0 MiB margin\)$", line);
    }

    [Fact]
    public void AFourGigabyteConvolutionOutputIsRefused()
    {
        using var dir = new TempDir();
        var net = dir.File("conv.prototxt");
        // 1x1 convolution of 1 x 1 x 16384 x 16384 into 4 channels: the output is 4 x 16384^2 floats, 4 GiB.
        File.WriteAllText(net, """
            name: "conv"
            input: "data"
            input_shape { dim: 1 dim: 1 dim: 16384 dim: 16384 }
            layer { name: "conv" type: "Convolution" bottom: "data" top: "conv"
                    convolution_param { num_output: 4 kernel_size: 1 weight_filler { type: "xavier" } } }
            """);
        var line = Refused(CliRunner.Run(OneGiBHeap, null, "run", net, "--random-input"));
        // The arena holds input (1 GiB) and output (4 GiB) at once.
        Assert.StartsWith("caffenet run: net 'conv' needs ", line);
        Assert.Contains("activations 5.00 GiB", line);
        Assert.Contains("is available (the GC heap limit 1.00 GiB less ", line);
    }

    [Fact]
    public void BenchWithAHugeBatchIsRefusedWithTheMemoryItWouldTake()
    {
        // No heap limit: the default budget is the machine's memory less what is in use, and a batch
        // of 100000 MobileNetV2 images (5.74 MiB of activations each) needs hundreds of GiB.
        var r = CliRunner.Run(NoChange, null, "bench", TestPaths.InTestData("mobilenetv2", "deploy.prototxt"), "--batch", "100000");
        var line = Refused(r);
        Assert.StartsWith("caffenet bench: net 'MobileNet-v2' at batch 100000 (scaled from batch 1) needs ", line);
        // Activations 100000 x 6,021,120 bytes, inputs 100000 x 3 x 224 x 224 floats.
        Assert.Contains("inputs 56.1 GiB", line);
        Assert.Contains("activations 561 GiB", line);
        Assert.Matches(@"; [0-9.]+ [MGT]iB is available \((memory|the GC heap limit) [0-9.]+ [GT]iB less [0-9.]+ [KMGT]iB in use and a [0-9.]+ [MG]iB margin\)$", line);
    }

    [Fact]
    public void MaxMemoryOverridesTheDefault()
    {
        var line = Refused(CliRunner.Run("run", Lenet, "--random-input", "--max-memory", "1M"));
        Assert.StartsWith("caffenet run: net 'LeNet' needs ", line);
        // conv1 20x1x5x5 + 20, conv2 50x20x5x5 + 50, ip1 500x800 + 500, ip2 10x500 + 10: 431,080 floats.
        Assert.Contains("weights 1.64 MiB", line);
        Assert.Matches(@"; --max-memory allows 1.00 MiB, of which [0-9.]+ [KM]iB is in use, so [0-9.]+ ([KM]iB|bytes) is available$", line);
        // A generous one lets the same run through.
        Assert.Equal(0, CliRunner.Run("run", Lenet, "--random-input", "--max-memory", "1.5GiB").ExitCode);
        Assert.Contains("--max-memory: size '2GB': write G or GiB",
            Refused(CliRunner.Run("run", Lenet, "--random-input", "--max-memory", "2GB")));
    }

    [Fact]
    public void TheGcHeapLimitIsTheDefaultBudget()
    {
        // Under a 64 MiB heap, the 64 MiB margin leaves nothing for even LeNet; under 1 GiB it runs.
        var line = Refused(CliRunner.Run(new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x4000000" }, null,
            "run", Lenet, "--random-input"));
        Assert.Matches(@"^caffenet run: net 'LeNet' needs [0-9.]+ MiB \(.*\); 0 bytes is available \(the GC heap limit 64.0 MiB less [0-9.]+ [KM]iB in use and a 64.0 MiB margin\)$", line);
        Assert.Equal(0, CliRunner.Run(OneGiBHeap, null, "run", Lenet, "--random-input").ExitCode);
    }

    [Fact]
    public void ANpyWhoseBatchMakesTheNetTooBigIsRefused()
    {
        using var dir = new TempDir();
        // A valid 10000 x 1 x 28 x 28 float32 array (31 MB): LeNet at batch 10000 needs about 700 MB of
        // activations, more than a 512 MiB heap has.
        var npy = dir.File("batch.npy");
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (10000, 1, 28, 28), }\n";
        using (var file = File.Create(npy))
        {
            file.Write([0x93, .. "NUMPY"u8, 1, 0, .. BitConverter.GetBytes((ushort)header.Length), .. Encoding.ASCII.GetBytes(header)]);
            file.Write(new byte[10000 * 28 * 28 * 4]);
        }
        var line = Refused(CliRunner.Run(new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x20000000" }, null,
            "run", Lenet, "--input", $"data={npy}"));
        Assert.StartsWith("caffenet run: net 'LeNet' needs ", line);
        Assert.Contains("activations ", line);
        Assert.Contains("is available (the GC heap limit 512 MiB less ", line);
    }

    [Fact]
    public void InputsThatAreNotFilesAreRefusedInOneWording()
    {
        using var dir = new TempDir();
        var fifo = Fifo.Make(dir.File("pipe.npy"));
        Assert.Equal("caffenet run: /dev/zero: is a character device, not a regular file",
            Refused(CliRunner.Run(OneGiBHeap, null, "run", Lenet, "--input", "data=/dev/zero")));
        Assert.Equal($"caffenet run: {fifo}: is a FIFO (named pipe), not a regular file",
            Refused(CliRunner.Run("run", Lenet, "--input", $"data={fifo}")));
        // run takes a folder of images; one without any says so.
        Assert.Equal($"caffenet run: --input data={dir.Path}: the folder holds no images (.jpg, .jpeg, .png, .bmp, .webp)",
            Refused(CliRunner.Run("run", Lenet, "--input", $"data={dir.Path}")));
        // dump says the same of a folder or FIFO given as the model.
        Assert.Equal($"caffenet dump: {dir.Path}: is a folder, not a file", Refused(CliRunner.Run("dump", dir.Path)));
        Assert.Equal($"caffenet dump: {fifo}: is a FIFO (named pipe), not a regular file", Refused(CliRunner.Run("dump", fifo)));
    }

    static byte[] Npy(string shape, int floats)
    {
        var header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}\n";
        return [0x93, .. "NUMPY"u8, 1, 0, .. BitConverter.GetBytes((ushort)header.Length), .. Encoding.ASCII.GetBytes(header),
            .. new byte[floats * 4]];
    }

    [Fact]
    public void StandardInputIsReadUpToWhatTheHeaderDeclares()
    {
        var image = Npy("(1, 1, 28, 28)", 28 * 28);
        var ok = CliRunner.Run(NoChange, image, "run", Lenet, "--input", "data=-");
        Assert.True(ok.ExitCode == 0, ok.Stderr);
        Assert.Contains("prob: shape 1x10", ok.Stdout);
        Assert.Equal($"caffenet run: standard input: byte {image.Length}: more data follows the 3136 bytes that shape (1, 1, 28, 28) of '<f4' needs",
            Refused(CliRunner.Run(NoChange, [.. image, 0], "run", Lenet, "--input", "data=-")));
        Assert.Equal("caffenet run: standard input: byte 0: not a NumPy .npy file (expected the magic \\x93NUMPY)",
            Refused(CliRunner.Run(NoChange, new byte[1 << 20], "run", Lenet, "--input", "data=-")));
    }
}
