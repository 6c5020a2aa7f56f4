using CaffeNet.Graph;
using CaffeNet.Import.Text;
using CaffeNet.Proto;
using CaffeNet.Runtime;

namespace CaffeNet.Tests.Runtime;

/// <summary>
/// Nets too big for their budget are refused before anything big is allocated, with the bytes
/// needed worked out by hand. A budget of one byte can never be met, so these never allocate.
/// </summary>
public class MemoryBudgetTests
{
    static readonly MemoryBudget Tiny = MemoryBudget.AtMost(1, "the test's budget");

    static NetGraph Net(string prototxt) =>
        GraphBuilder.Build(TextFormat.Parse<NetParameter>(prototxt, "net.prototxt"), LayerRegistry.Default, new GraphOptions());

    // 50000 inputs x 40000 outputs: 2,000,000,000 weights + 40,000 biases, 4 bytes each.
    const string EightGigabyteInnerProduct = """
        name: "big"
        input: "data"
        input_shape { dim: 1 dim: 50000 }
        layer { name: "ip" type: "InnerProduct" bottom: "data" top: "ip"
                inner_product_param { num_output: 40000 weight_filler { type: "gaussian" std: 0.01 } } }
        """;

    // One 1x1 convolution of a 1x1x8192x8192 input into 2 channels: 67,108,864 input floats and
    // 134,217,728 output floats, live at once; 2 weights and 2 biases.
    const string WideConvolution = """
        name: "wide"
        input: "data"
        input_shape { dim: 1 dim: 1 dim: 8192 dim: 8192 }
        layer { name: "conv" type: "Convolution" bottom: "data" top: "conv"
                convolution_param { num_output: 2 kernel_size: 1 } }
        """;

    [Fact]
    public void WeightsAreRefusedBeforeTheyAreAllocated()
    {
        var graph = Net(EightGigabyteInnerProduct);
        Assert.Equal(8_000_160_000, MemoryEstimate.ForWeights(graph).Weights);
        var e = Assert.Throws<MemoryBudgetException>(() => NetWeights.Resolve(graph, MissingWeights.Fill(0), Tiny));
        Assert.Equal(8_000_160_000, e.Needed);
        Assert.StartsWith("net 'big' needs 7.45 GiB (weights 7.45 GiB); the test's budget allows 1 byte, of which ", e.Message);
        Assert.EndsWith(" is in use, so 0 bytes is available", e.Message);
    }

    [Fact]
    public void TheDefaultBudgetIsWhatTheGcReportsLessWhatIsInUse()
    {
        long limit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        long available = MemoryBudget.Available.AvailableBytes;
        Assert.InRange(available, 0, limit - GC.GetTotalMemory(false) - (64L << 20));
        // More than the machine has is refused by default, and the message says both sizes.
        var e = Assert.Throws<MemoryBudgetException>(() => MemoryBudget.Available.Check(limit + 1, "net 'big'"));
        Assert.Equal(limit + 1, e.Needed);
        Assert.Matches(@"^net 'big' needs [0-9.]+ [MGT]iB; [0-9.]+ ([KMGT]iB|bytes) is available \((memory|the GC heap limit) [0-9.]+ [MGT]iB less [0-9.]+ [KMGT]iB in use and a [0-9.]+ [MG]iB margin\)$", e.Message);
    }

    [Fact]
    public void AnExecutorChecksItsArenaBeforeAllocatingIt()
    {
        var graph = Net(WideConvolution);
        var weights = NetWeights.Resolve(graph, MissingWeights.Fill(0));
        // Input and output live together: (67,108,864 + 134,217,728) floats, plus 16 to align the arena.
        long arena = (67_108_864L + 134_217_728 + 16) * 4;
        Assert.Equal(arena, Executor.EstimateMemory(graph, ExecutorOptions.Reference).Activations);
        var e = Assert.Throws<MemoryBudgetException>(() => new Executor(graph, weights, ExecutorOptions.Reference with { Budget = Tiny }));
        Assert.StartsWith("net 'wide' needs 768 MiB (activations 768 MiB", e.Message);
        Assert.True(e.Needed >= arena);
    }

    [Fact]
    public void TheFastPathCountsItsFoldedWeightCopy()
    {
        var graph = Net(EightGigabyteInnerProduct);
        // The fused InnerProduct keeps its folded weights and bias: one more copy of all 2,000,040,000 floats.
        var estimate = Executor.EstimateMemory(graph, ExecutorOptions.Fast(1));
        Assert.Equal(8_000_160_000, estimate.FastPathWeights);
        Assert.Equal(0, Executor.EstimateMemory(graph, ExecutorOptions.Reference).FastPathWeights);
    }

    [Fact]
    public void RandomInputsAreCheckedToo()
    {
        var graph = Net(WideConvolution);
        var e = Assert.Throws<MemoryBudgetException>(() => NetInputs.Random(graph, 0, Tiny));
        Assert.Equal(67_108_864L * 4, e.Needed);
        Assert.StartsWith("net 'wide' needs 256 MiB (inputs 256 MiB)", e.Message);
    }

    [Fact]
    public void AnArenaLongerThanOneArrayIsRefusedWhateverTheBudget()
    {
        // 32768^2 = 2^30 floats in and as many out, live together: 2^31 floats, past Array.MaxLength.
        var graph = Net(WideConvolution.Replace("dim: 8192 dim: 8192", "dim: 32768 dim: 32768").Replace("num_output: 2", "num_output: 1"));
        var weights = NetWeights.Resolve(graph, MissingWeights.Fill(0));
        var e = Assert.Throws<CaffeNetException>(() => new Executor(graph, weights, ExecutorOptions.Reference with { Budget = MemoryBudget.Unlimited }));
        Assert.Equal("net 'wide': its activations need 8.00 GiB at once, more than one .NET array can hold (8 GiB)", e.Message);
    }

    [Fact]
    public void ABlobOfMoreThanIntMaxValueValuesIsRefusedWhateverTheBudget()
    {
        // 50000 x 50000 weights: 2.5 billion values, more than Caffe's (and a span's) limit of 2^31 - 1.
        var graph = Net(EightGigabyteInnerProduct.Replace("num_output: 40000", "num_output: 50000"));
        var e = Assert.Throws<CaffeNetException>(() => NetWeights.Resolve(graph, MissingWeights.Fill(0), MemoryBudget.Unlimited));
        Assert.Equal("shape 50000x50000 has more than 2147483647 elements", e.Message);
    }

    [Fact]
    public void APerCheckBudgetAllowsExactlyItsBytesWhateverIsInUse()
    {
        var budget = MemoryBudget.PerCheck(100, "the test's budget");
        budget.Check(100, "x");
        var e = Assert.Throws<MemoryBudgetException>(() => budget.Check(101, "x", "inputs 101 bytes"));
        Assert.Equal("x needs 101 bytes (inputs 101 bytes); the test's budget allows 100 bytes", e.Message);
        Assert.Equal((101, 100), (e.Needed, e.Available));
    }

    [Fact]
    public void AnUnlimitedBudgetNeverRefuses() => MemoryBudget.Unlimited.Check(long.MaxValue, "anything");

    [Theory]
    [InlineData("4096", 4096)]
    [InlineData("1b", 1)]
    [InlineData("512K", 512L << 10)]
    [InlineData("512M", 512L << 20)]
    [InlineData("2G", 2L << 30)]
    [InlineData("2 GiB", 2L << 30)]
    [InlineData("1.5GiB", 3L << 29)]
    [InlineData("0.5k", 512)]
    [InlineData("1T", 1L << 40)]
    public void SizesAreParsedInPowersOf1024(string text, long bytes) => Assert.Equal(bytes, ByteSize.Parse(text));

    [Theory]
    [InlineData("2GB", "write G or GiB")]
    [InlineData("", "is not a size")]
    [InlineData("G", "is not a size")]
    [InlineData("-1G", "is not a size")]
    [InlineData("1.2.3M", "is not a size")]
    [InlineData("2 gigs", "is not a size")]
    [InlineData("0", "out of range")]
    [InlineData("0.1", "out of range")]
    [InlineData("9000000000T", "out of range")]
    public void BadSizesAreOneClearError(string text, string message) =>
        Assert.Contains(message, Assert.Throws<CaffeNetException>(() => ByteSize.Parse(text)).Message);

    [Theory]
    [InlineData(0, "0 bytes")]
    [InlineData(1, "1 byte")]
    [InlineData(1023, "1023 bytes")]
    [InlineData(1024, "1.00 KiB")]
    [InlineData(360_000, "352 KiB")]
    [InlineData(8_000_160_000, "7.45 GiB")]
    [InlineData(10L << 20, "10.0 MiB")]
    public void SizesAreShownWithThreeFigures(long bytes, string text) => Assert.Equal(text, ByteSize.Format(bytes));
}
