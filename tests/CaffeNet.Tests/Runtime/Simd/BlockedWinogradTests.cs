using CaffeNet.Runtime.Simd;
using static CaffeNet.Tests.Runtime.Simd.BlockedKernelTests;

namespace CaffeNet.Tests.Runtime.Simd;

/// <summary>
/// <see cref="BlockedWinograd"/> (F(2x2, 3x3) and F(4x4, 3x3)) on 256-bit and 512-bit lanes against the definition
/// in double: padding 0 to 2, odd output sizes (tiles cut at the edge), channels past a block, chunks
/// of tiles, batches, two threads, the fused shortcut and clamp, in 2x2 and 4x4 tiles.
/// </summary>
public class BlockedWinogradTests
{
    /// <summary>
    /// How far past a plain float sum's rounding bound a result may be, as a multiple of the bound of
    /// the plane's largest sum: a tile's outputs share its window's rounding. F(2x2) only adds in
    /// its transforms (once the plane's largest bound is allowed); F(4x4) scales by up to 5 going in
    /// and 8 coming out (Winograd's error grows with the tile) and needs up to twice the plane's
    /// largest bound on these cases: four is allowed.
    /// </summary>
    static double Slack(int tile) => tile == 2 ? 1 : 4;

    public static TheoryData<int, int, int, int> TilesBlocksInputsOutputs()
    {
        var data = new TheoryData<int, int, int, int>();
        foreach (int tile in new[] { 2, 4 })
        {
            foreach (int block in new[] { 8, 16 })
            {
                foreach (var (inputs, outputs) in new[] { (1, 1), (5, 9), (16, 16), (37, 17), (40, 70) })
                    data.Add(tile, block, inputs, outputs);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(TilesBlocksInputsOutputs))]
    public void Matches_the_definition(int tile, int block, int inputs, int outputs)
    {
        int variant = 0;
        foreach (int pad in new[] { 1, 0, 2 })
        {
            foreach (var (h, w) in new[] { (7, 7), (9, 13), (4, 3), (14, 14) })
            {
                var window = ConvWindow.Square(3, 1, pad);
                if (window.OutputHeight(h) < 1 || window.OutputWidth(w) < 1)
                    continue;
                variant++;
                var activation = (variant % 3) switch { 0 => Activation.None, 1 => Activation.Relu, _ => Activation.Clamp(-0.5f, 0.5f) };
                Run(tile, block, 1 + variant % 2, inputs, outputs, h, w, window, activation, residual: variant % 2 == 0, threads: variant % 4 == 1 ? 2 : 1);
            }
        }
    }

    [Theory]
    [InlineData(2, 8, 1, 1)]
    [InlineData(2, 16, 1, 2)]
    [InlineData(4, 8, 2, 2)]
    [InlineData(4, 16, 1, 1)]
    [InlineData(4, 16, 1, 2)]
    public void Splits_a_large_plane_into_chunks_of_tiles(int tile, int block, int batch, int threads)
    {
        // 120 inputs and 24 outputs of a 44 x 40 plane: 440 tiles of 2x2 (110 of 4x4), more than a chunk holds.
        Run(tile, block, batch, 120, 24, 44, 40, ConvWindow.Square(3, 1, 1), Activation.Relu, residual: true, threads: threads);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Splits_one_image_of_few_tiles_over_two_threads(int tile)
    {
        // 12 tiles of 4x4 (36 of 2x2): a single chunk, cut in two so that each thread has one.
        Run(tile, 16, 1, 40, 24, 12, 16, ConvWindow.Square(3, 1, 1), Activation.None, residual: true, threads: 2);
    }

    [Fact]
    public void Refuses_a_window_it_does_not_compute()
    {
        var window = ConvWindow.Square(3, 2, 1);
        Assert.False(BlockedWinograd.Handles(window));
        var weights = BlockedWinograd.PackWeights(new float[9], 1, 1, 8, 2);
        Assert.Throws<ArgumentException>(() => BlockedWinograd.Forward(8, new float[8 * 16], new float[8 * 4], default, 1, 1, 4, 4, 1,
            weights, new float[8], window, Activation.None, 2, null));
        Assert.Throws<ArgumentException>(() => BlockedWinograd.PackWeights(new float[9], 1, 1, 8, 3));
    }

    [Fact]
    public void Pays_only_with_enough_input_channels_and_tiles()
    {
        var window = ConvWindow.Square(3, 1, 1);
        Assert.Equal(4, BlockedWinograd.TileFor(window, 64, 56, 56));
        Assert.Equal(4, BlockedWinograd.TileFor(window, 32, 27, 27));
        Assert.Equal(2, BlockedWinograd.TileFor(window, 256, 14, 14));
        Assert.Equal(2, BlockedWinograd.TileFor(window, 32, 13, 13));
        Assert.Equal(0, BlockedWinograd.TileFor(window, 16, 56, 56));
        Assert.Equal(0, BlockedWinograd.TileFor(window, 512, 7, 7));
        Assert.Equal(0, BlockedWinograd.TileFor(ConvWindow.Square(3, 2, 1), 64, 56, 56));
        Assert.Equal(0, BlockedWinograd.TileFor(new ConvWindow(3, 3, 1, 1, 2, 2, 2, 2), 64, 56, 56));
    }

    static void Run(int tile, int block, int batch, int inputs, int outputs, int h, int w, ConvWindow window, Activation activation, bool residual, int threads)
    {
        int oh = window.OutputHeight(h), ow = window.OutputWidth(w);
        var input = Reference.Random(batch * inputs * h * w, 51);
        var weights = Reference.Random(outputs * inputs * 9, 52);
        var bias = Reference.Random(outputs, 53);
        var shortcut = residual ? Reference.Random(batch * outputs * oh * ow, 54) : null;
        int outBlocked = batch * Padded(outputs, block) * oh * ow;
        var output = Enumerable.Repeat(Guard, outBlocked + 64).ToArray();
        using var pool = threads > 1 ? new WorkerPool(threads, minTaskWork: 1) : null;
        BlockedWinograd.Forward(block, Blocked(input, batch, inputs, h * w, block), output.AsSpan(0, outBlocked),
            shortcut is null ? default : Blocked(shortcut, batch, outputs, oh * ow, block), batch, inputs, h, w, outputs,
            BlockedWinograd.PackWeights(weights, outputs, inputs, block, tile), BlockedDepthwise.PackChannels(bias, outputs, block),
            window, activation, tile, pool);
        Assert.All(output[outBlocked..], g => Assert.Equal(Guard, g));
        Assert.All(output[..outBlocked], v => Assert.True(float.IsFinite(v)));
        CheckGroupConv(output, block, batch, inputs, outputs, h, w, window, input, weights, bias, shortcut, activation, Slack(tile));
    }
}
