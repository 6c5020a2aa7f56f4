using CaffeNet.Graph;
using CaffeNet.Import.Text;
using CaffeNet.Proto;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Tests.Runtime;

/// <summary>
/// A depthwise convolution chained to the 1x1 expansion before it (an expanded tensor of 32 x 128 x
/// 128 floats, 2 MB) on the executor: the same bits as the two layers run one after the other,
/// the reference's values where nothing around the pair is blocked, and its band buffer in the
/// memory estimate.
/// </summary>
public class ChainedDepthwiseTests
{
    const string Layers = """
        layer { name: "pw" type: "Convolution" bottom: "x" top: "pw" convolution_param { num_output: 32 kernel_size: 1 } }
        layer { name: "pw_relu" type: "ReLU" bottom: "pw" top: "pw" }
        layer { name: "dw" type: "Convolution" bottom: "pw" top: "dw" convolution_param { num_output: 32 group: 32 kernel_size: 3 stride: 2 pad: 1 } }
        layer { name: "dw_relu" type: "ReLU" bottom: "dw" top: "dw" }
        """;

    // The first layer (3 channels, the direct kernel) starts the blocked run; the projection reads it blocked.
    const string BlockedAround = """
        name: "blocked"
        input: "data"
        input_shape { dim: 1 dim: 3 dim: 128 dim: 128 }
        layer { name: "first" type: "Convolution" bottom: "data" top: "x" convolution_param { num_output: 16 kernel_size: 3 pad: 1 } }
        """ + Layers + """
        layer { name: "project" type: "Convolution" bottom: "dw" top: "y" convolution_param { num_output: 16 kernel_size: 1 } }
        """;

    // The pair reads the net's input and writes its output: nothing is blocked, it reorders both.
    const string NchwAround = """
        name: "nchw"
        input: "x"
        input_shape { dim: 1 dim: 16 dim: 128 dim: 128 }
        """ + Layers;

    static (NetGraph Graph, NetWeights Weights, Dictionary<string, Tensor> Inputs) Net(string prototxt)
    {
        var graph = GraphBuilder.Build(TextFormat.Parse<NetParameter>(prototxt, "net.prototxt"), LayerRegistry.Default, new GraphOptions());
        return (graph, NetWeights.Resolve(graph, MissingWeights.Fill(5, "msra")), NetInputs.Random(graph, 6));
    }

    static float[] Output(NetGraph graph, NetWeights weights, Dictionary<string, Tensor> inputs, ExecutorOptions options, bool chained)
    {
        using var executor = new Executor(graph, weights, options);
        Assert.Equal(chained, executor.Plan.FusionAt(graph.Nodes.Single(n => n.Name == "pw"))?.Depthwise is not null);
        return executor.Forward(inputs)[graph.Outputs[0].Name].ToArray();
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void A_chained_pair_gives_the_bits_of_the_two_layers_in_turn(int block)
    {
        var (graph, weights, inputs) = Net(BlockedAround);
        // Two threads do not chain; the blocked kernels give the same bits on any thread count.
        var unchained = Output(graph, weights, inputs, ExecutorOptions.Fast(2) with { Block = block }, chained: false);
        Assert.Equal(unchained, Output(graph, weights, inputs, ExecutorOptions.Fast(1) with { Block = block }, chained: true));
    }

    [Fact]
    public void A_chained_pair_between_nchw_values_matches_the_reference()
    {
        var (graph, weights, inputs) = Net(NchwAround);
        var want = Output(graph, weights, inputs, ExecutorOptions.Reference, chained: false);
        var got = Output(graph, weights, inputs, ExecutorOptions.Fast(1), chained: true);
        float tolerance = 1e-4f * want.Max(MathF.Abs);
        for (int i = 0; i < want.Length; i++)
            Assert.True(MathF.Abs(got[i] - want[i]) <= tolerance, $"[{i}]: {got[i]} vs {want[i]}");
    }

    [Fact]
    public void The_memory_estimate_counts_the_band_buffer()
    {
        var (graph, _, _) = Net(BlockedAround);
        int block = BlockedIo.NativeBlock == 0 ? 8 : BlockedIo.NativeBlock;
        long buffer = Scratch.BufferFloats(BlockedExpandDepthwise.BufferFloats(block, 32, 128, 128, ConvWindow.Square(3, 2, 1))) * sizeof(float);
        // The other scratch (the projection's output reordered to NCHW) is half the buffer's size.
        var estimate = Executor.EstimateMemory(graph, ExecutorOptions.Fast(1) with { Block = block });
        Assert.True(estimate.Scratch >= buffer, $"{estimate.Scratch} bytes of scratch, the buffer alone {buffer}");
    }
}
