using CaffeNet.Runtime;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Tests.Runtime;

public class ConvolutionTests
{
    [Fact]
    public void DepthwiseThreeByThreeWithPaddingAndStrideTwo()
    {
        // Channel 0 is 0..15, channel 1 is 16..31, both 4x4:
        //    0  1  2  3      16 17 18 19
        //    4  5  6  7      20 21 22 23
        //    8  9 10 11      24 25 26 27
        //   12 13 14 15      28 29 30 31
        // Output (4 + 2·1 − 3) / 2 + 1 = 2 per side; window (oy, ox) covers rows and columns
        // 2o − 1 .. 2o + 1, the −1 being padding.
        var input = T.Iota([1, 2, 4, 4]);
        float[] weights =
        [
            1, 1, 1, 1, 1, 1, 1, 1, 1,  // channel 0: sum of the window
            1, 0, 0, 0, 0, 0, 0, 0, -1, // channel 1: top-left tap minus bottom-right tap
        ];
        float[] bias = [0.5f, -1];
        var p = new ConvolutionParams(NumOutput: 2, KernelH: 3, KernelW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1, Group: 2);
        var output = new Tensor(Convolution.OutputShape(input.Shape, p));
        Convolution.Forward(input, weights, bias, p, output);

        Assert.Equal([1, 2, 2, 2], output.Shape);
        T.Close(
        [
            // channel 0: rows/cols {0,1} → 0+1+4+5 = 10;  rows {0,1} cols {1,2,3} → 1+2+3+5+6+7 = 24
            //            rows {1,2,3} cols {0,1} → 4+5+8+9+12+13 = 51;  rows/cols {1,2,3} → 90; plus 0.5
            10.5f, 24.5f, 51.5f, 90.5f,
            // channel 1: (0,0): pad − x(1,1)=21 → −21;  (0,1): pad − x(1,3)=23 → −23
            //            (1,0): pad − x(3,1)=29 → −29;  (1,1): x(1,1)=21 − x(3,3)=31 → −10; minus 1
            -22, -24, -30, -11,
        ], output);
    }

    [Fact]
    public void GroupedConvolutionWithTwoGroupsUsesEachGroupsChannelsAndWeights()
    {
        float[] input =
        [
            1, 2, 3, 4, 5, 6, // c0 (group 0)
            0, 1, 0, 1, 0, 1, // c1 (group 0)
            2, 0, 3, 0, 5, 7, // c2 (group 1)
            1, 1, 1, 1, 1, 1, // c3 (group 1)
        ];
        float[] weights =
        [
            1, 0, 0, 0,   0, 0, 0, 1,   // o0: c0(y,x) + c1(y+1,x+1)
            1, 1, 1, 1,   0, 0, 0, 0,   // o1: sum of the c0 window
            1, 0, 0, -1,  0, 0, 0, 0,   // o2: c2(y,x) − c2(y+1,x+1)
            0, 0, 0, 0,   2, 2, 2, 2,   // o3: 2 · sum of the c3 window
        ];
        var p = new ConvolutionParams(NumOutput: 4, KernelH: 2, KernelW: 2, Group: 2);
        var x = T.Of([1, 4, 2, 3], input);
        var output = new Tensor(Convolution.OutputShape(x.Shape, p));
        Convolution.Forward(x, weights, [], p, output);

        Assert.Equal([1, 4, 1, 2], output.Shape);
        T.Close(
        [
            1 + 0, 2 + 1,            // o0
            1 + 2 + 4 + 5, 2 + 3 + 5 + 6, // o1
            2 - 5, 0 - 7,            // o2
            8, 8,                    // o3
        ], output);
    }

    [Fact]
    public void PointwiseConvolutionIsAMatrixProductPlusBias()
    {
        // c0 = [1, 2], c1 = [3, 4]; o0 = c0 + 2·c1 + 10, o1 = −c0 + 0.5·c1 + 20
        var x = T.Of([1, 2, 1, 2], 1, 2, 3, 4);
        var p = new ConvolutionParams(NumOutput: 2, KernelH: 1, KernelW: 1);
        var output = new Tensor([1, 2, 1, 2]);
        Convolution.Forward(x, [1, 2, -1, 0.5f], [10, 20], p, output);
        T.Close([17, 20, 20.5f, 20], output);
    }

    [Fact]
    public void GeneralConvolutionWithPaddingAndStride()
    {
        // c0 = 0..8 and c1 = 10, 20, .., 90 as 3x3; kernel 2x2, pad 1, stride 2 → 2x2 output.
        // o = c0 tap (0,0) at (2oy−1, 2ox−1) + c1 tap (1,1) at (2oy, 2ox).
        var x = T.Of([1, 2, 3, 3], 0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 20, 30, 40, 50, 60, 70, 80, 90);
        var p = new ConvolutionParams(NumOutput: 1, KernelH: 2, KernelW: 2, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1);
        var output = new Tensor(Convolution.OutputShape(x.Shape, p));
        Convolution.Forward(x, [1, 0, 0, 0, 0, 0, 0, 1], [], p, output);
        // (0,0): pad + c1(0,0)=10; (0,1): pad + c1(0,2)=30; (1,0): pad + c1(2,0)=70; (1,1): c0(1,1)=4 + c1(2,2)=90
        T.Close([10, 30, 70, 94], output);
    }

    [Fact]
    public void DilatedKernelSkipsPixels()
    {
        // x(y,x) = 5y + x on 5x5; 2x2 kernel of ones with dilation 2 spans 3: out 3x3 and
        // out(y,x) = x(y,x) + x(y,x+2) + x(y+2,x) + x(y+2,x+2) = 4(5y + x) + 2 + 10 + 12 = 20y + 4x + 24.
        var x = T.Iota([1, 1, 5, 5]);
        var p = new ConvolutionParams(NumOutput: 1, KernelH: 2, KernelW: 2, DilationH: 2, DilationW: 2);
        var output = new Tensor(Convolution.OutputShape(x.Shape, p));
        Convolution.Forward(x, [1, 1, 1, 1], [], p, output);
        T.Close([24, 28, 32, 44, 48, 52, 64, 68, 72], output);
    }

    [Fact]
    public void OutputSizeFollowsCaffeAndRejectsAKernelLargerThanTheInput()
    {
        var p = new ConvolutionParams(NumOutput: 8, KernelH: 3, KernelW: 5, StrideH: 2, StrideW: 3, PadH: 1, PadW: 2);
        // ⌊(7 + 2 − 3) / 2⌋ + 1 = 4; ⌊(10 + 4 − 5) / 3⌋ + 1 = 4
        Assert.Equal([2, 8, 4, 4], Convolution.OutputShape([2, 3, 7, 10], p));
        Assert.Equal([8, 3, 3, 5], Convolution.WeightShape(3, p));
        var e = Assert.Throws<CaffeNetException>(() => Convolution.OutputShape([1, 3, 2, 2], p with { PadH = 0, PadW = 0 }));
        Assert.Contains("larger than the padded input", e.Message);
        Assert.Throws<CaffeNetException>(() => Convolution.OutputShape([1, 3, 8, 8], p with { Group = 2 }));
    }

    public static TheoryData<int, int, int, int, int, int, int, int> Configurations => new()
    {
        // channels, outputs, group, kernel, stride, pad, dilation, height (width = height + 1)
        { 3, 4, 1, 3, 1, 1, 1, 6 },
        { 4, 6, 2, 3, 2, 0, 1, 7 },
        { 6, 6, 6, 3, 2, 1, 1, 7 },  // depthwise
        { 4, 8, 4, 3, 1, 2, 2, 6 },  // depthwise with multiplier 2, dilated
        { 5, 3, 1, 1, 1, 0, 1, 4 },  // pointwise
        { 4, 4, 2, 1, 2, 1, 1, 5 },  // 1x1 with stride and pad: not the pointwise path
        { 2, 3, 1, 5, 3, 2, 1, 9 },
        { 6, 4, 2, 2, 1, 0, 3, 8 },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void EveryPathAgreesWithTheDefinition(int channels, int outputs, int group, int kernel, int stride, int pad, int dilation, int height)
    {
        var p = new ConvolutionParams(outputs, kernel, kernel, stride, stride, pad, pad, dilation, dilation, group);
        var x = T.Random([2, channels, height, height + 1], 1);
        var w = T.Random(Convolution.WeightShape(channels, p), 2);
        var b = T.Random([outputs], 3);
        var output = new Tensor(Convolution.OutputShape(x.Shape, p));
        Convolution.Forward(x, w.Span, b.Span, p, output);
        T.Close(Naive(x, w, b, p, output.Shape), output, 1e-5f);
    }

    [Fact]
    public void DeconvolutionIsTheTransposeOfConvolution()
    {
        // ⟨conv(x), y⟩ = ⟨x, deconv(y)⟩ when the deconvolution takes the convolution's outputs as
        // its inputs with the same weights: an identity that needs no hand arithmetic.
        var conv = new ConvolutionParams(NumOutput: 4, KernelH: 3, KernelW: 2, StrideH: 2, StrideW: 1, PadH: 1, PadW: 1, DilationH: 1, DilationW: 2, Group: 2);
        var x = T.Random([2, 6, 7, 6], 4);
        var w = T.Random(Convolution.WeightShape(6, conv), 5);
        var cx = new Tensor(Convolution.OutputShape(x.Shape, conv));
        Convolution.Forward(x, w.Span, [], conv, cx);
        var y = T.Random(cx.Shape, 6);
        var deconv = conv with { NumOutput = 6 };
        Assert.Equal(w.Shape, Deconvolution.WeightShape(4, deconv));
        var dy = new Tensor(Deconvolution.OutputShape(y.Shape, deconv));
        Assert.Equal(x.Shape, dy.Shape);
        Deconvolution.Forward(y, w.Span, [], deconv, dy);
        Assert.Equal(Dot(cx, y), Dot(x, dy), 3);
    }

    [Fact]
    public void DeconvolutionScattersEachInputPixel()
    {
        // One channel [[1, 2]], kernel 2x2 [[1, 10], [100, 1000]], stride 2: each pixel stamps a
        // scaled copy of the kernel into its own 2x2 block; output 1·2 + 2 = 4 wide, 2 high. Bias 0.5.
        var y = T.Of([1, 1, 1, 2], 1, 2);
        var p = new ConvolutionParams(NumOutput: 1, KernelH: 2, KernelW: 2, StrideH: 2, StrideW: 2);
        var output = new Tensor(Deconvolution.OutputShape(y.Shape, p));
        Deconvolution.Forward(y, [1, 10, 100, 1000], [0.5f], p, output);
        Assert.Equal([1, 1, 2, 4], output.Shape);
        T.Close([1.5f, 10.5f, 2.5f, 20.5f, 100.5f, 1000.5f, 200.5f, 2000.5f], output);
    }

    static double Dot(Tensor a, Tensor b)
    {
        double sum = 0;
        for (int i = 0; i < a.Count; i++)
            sum += (double)a.Span[i] * b.Span[i];
        return sum;
    }

    // The definition, straight: every output, every tap, bounds tested per tap.
    static float[] Naive(Tensor x, Tensor w, Tensor b, ConvolutionParams p, TensorShape outShape)
    {
        int c = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
        int cg = c / p.Group, og = p.NumOutput / p.Group;
        var result = new float[outShape.Count];
        int idx = 0;
        for (int n = 0; n < outShape[0]; n++)
        for (int o = 0; o < outShape[1]; o++)
        for (int oy = 0; oy < outShape[2]; oy++)
        for (int ox = 0; ox < outShape[3]; ox++)
        {
            double sum = b.Span[o];
            int g = o / og;
            for (int ci = 0; ci < cg; ci++)
            for (int i = 0; i < p.KernelH; i++)
            for (int j = 0; j < p.KernelW; j++)
            {
                int y = oy * p.StrideH - p.PadH + i * p.DilationH;
                int xx = ox * p.StrideW - p.PadW + j * p.DilationW;
                if (y < 0 || y >= h || xx < 0 || xx >= wd)
                    continue;
                sum += w.Span[((o * cg + ci) * p.KernelH + i) * p.KernelW + j] *
                       x.Span[((n * c + g * cg + ci) * h + y) * wd + xx];
            }
            result[idx++] = (float)sum;
        }
        return result;
    }
}
