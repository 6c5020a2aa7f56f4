using CaffeNet.Runtime;
using CaffeNet.Runtime.Kernels;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Tests.Runtime.Simd;

/// <summary>
/// Every depthwise path (scalar, row kernels, channel blocks: small planes whole, bigger ones through
/// the row ring) against the reference convolution with group = channels, on odd shapes.
/// </summary>
public class DepthwiseShapesTests
{
    // 4x70 is over 64 wide, so at stride 1 it takes the plane-wise row kernels even with AVX2;
    // 56x56 is too big to be transposed whole and goes through the blocked row ring.
    static readonly (int H, int W)[] Planes = [(1, 1), (2, 2), (3, 5), (7, 7), (13, 13), (14, 14), (15, 15), (56, 56), (4, 70)];

    public static TheoryData<TestedPath, int, int> PathsChannelsStrides()
    {
        var data = new TheoryData<TestedPath, int, int>();
        foreach (var path in Enum.GetValues<SimdPath>())
            foreach (int channels in new[] { 1, 7, 8, 9, 17, 31 })
                foreach (int stride in new[] { 1, 2 })
                    data.Add((TestedPath)path, channels, stride);
        return data;
    }

    [Theory]
    [MemberData(nameof(PathsChannelsStrides))]
    public void Matches_the_grouped_reference_with_and_without_threads(TestedPath tested, int channels, int stride)
    {
        var path = (SimdPath)tested;
        using var pool = new WorkerPool(2);
        int variant = 0;
        foreach (var (h, w) in Planes)
        {
            foreach (int pad in new[] { 0, 1 })
            {
                var window = ConvWindow.Square(3, stride, pad);
                // The reference refuses windows larger than the padded input (DepthwiseConvTests covers those).
                if (h + 2 * pad < 3 || w + 2 * pad < 3)
                    continue;
                // Cycle through bias on/off, ReLU/clamp and batch 1/3 independently of the shape.
                bool withBias = variant % 2 == 0;
                var activation = variant / 2 % 2 == 0 ? Activation.Relu : Activation.Clamp(-0.25f, 0.3f);
                int batch = variant / 4 % 2 == 0 ? 1 : 3;
                variant++;
                Check(path, batch, channels, h, w, window, withBias, activation, pool);
            }
        }
    }

    static void Check(SimdPath path, int batch, int channels, int h, int w, ConvWindow window, bool withBias,
        Activation activation, WorkerPool pool)
    {
        var input = Reference.Random(batch * channels * h * w, 41);
        var weights = Reference.Random(channels * 9, 42);
        var bias = withBias ? Reference.Random(channels, 43) : [];
        int oh = window.OutputHeight(h), ow = window.OutputWidth(w), size = batch * channels * oh * ow;
        string what = $"{path} N={batch} C={channels} {h}x{w} stride {window.StrideH} pad {window.PadH} bias {withBias} {activation}";

        var single = new float[size];
        DepthwiseConv.Forward(path, input, single, batch, channels, h, w, weights, bias, window, activation);
        var threaded = new float[size];
        DepthwiseConv.Forward(path, input, threaded, batch, channels, h, w, weights, bias, window, activation, pool);
        Assert.True(single.AsSpan().SequenceEqual(threaded), $"{what}: threads changed the result");

        // The reference in float, and the same convolution of absolute values: the sum of |terms| per
        // output. Each result is within gamma(10) of that from the exact sum, so they differ by at most twice that.
        var p = new ConvolutionParams(NumOutput: channels, KernelH: 3, KernelW: 3, StrideH: window.StrideH,
            StrideW: window.StrideW, PadH: window.PadH, PadW: window.PadW, Group: channels);
        var expected = Convolve(input, weights, bias, batch, channels, h, w, p);
        var magnitude = Convolve(Abs(input), Abs(weights), Abs(bias), batch, channels, h, w, p);
        double bound = 2 * Reference.Gamma(10) * (1 + 1e-6);
        for (int i = 0; i < size; i++)
        {
            float want = Math.Min(Math.Max(expected[i], activation.Min), activation.Max);
            Assert.True(Math.Abs(single[i] - want) <= bound * magnitude[i],
                $"{what}: out[{i}] = {single[i]}, reference {want} +- {bound * magnitude[i]:G3}");
        }
    }

    static float[] Convolve(float[] input, float[] weights, float[] bias, int batch, int channels, int h, int w, ConvolutionParams p)
    {
        var x = Tensor.From([batch, channels, h, w], input);
        var y = new Tensor(Convolution.OutputShape(x.Shape, p));
        Convolution.Forward(x, weights, bias, p, y);
        return y.Span.ToArray();
    }

    static float[] Abs(float[] values) => values.Select(Math.Abs).ToArray();
}
