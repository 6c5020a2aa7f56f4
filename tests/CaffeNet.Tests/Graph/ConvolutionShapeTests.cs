using CaffeNet.Graph;
using CaffeNet.Proto;
using static CaffeNet.Tests.Graph.Nets;

namespace CaffeNet.Tests.Graph;

public class ConvolutionShapeTests
{
    static LayerParameter Conv(string type, ConvolutionParameter p) => new()
    {
        Name = "conv", Type = type, Bottom = { "data" }, Top = { "conv" }, ConvolutionParam = p,
    };

    [Fact]
    public void DilationStridePadAndGroups()
    {
        // Extent 2 x (3 - 1) + 1 = 5; (10 + 2 - 5) / 2 + 1 = 4 (7 / 2 floors to 3).
        var p = new ConvolutionParameter { NumOutput = 6, KernelSize = { 3 }, Dilation = { 2 }, Pad = { 1 }, Stride = { 2 }, Group = 2 };
        var node = Build(Input("data", 1, 4, 10, 10), Conv("Convolution", p)).Nodes[0];
        Assert.Equal(S(1, 6, 4, 4), node.Outputs[0].Shape);
        Assert.Equal([S(6, 2, 3, 3), S(6)], node.ParamShapes);
        Assert.Equal(6 * 2 * 3 * 3 + 6, node.Cost.Params);
        Assert.Equal(1 * 6 * 4 * 4 * 2 * 3 * 3, node.Cost.Macs);
    }

    [Fact]
    public void HeightAndWidthFormsEqualTheRepeatedForm()
    {
        // H: (9 - 3) / 2 + 1 = 4; W: (7 + 2 - 1) / 1 + 1 = 9.
        var hw = new ConvolutionParameter { NumOutput = 1, KernelH = 3, KernelW = 1, StrideH = 2, StrideW = 1, PadH = 0, PadW = 1, BiasTerm = false };
        var repeated = new ConvolutionParameter { NumOutput = 1, KernelSize = { 3, 1 }, Stride = { 2, 1 }, Pad = { 0, 1 }, BiasTerm = false };
        var a = Build(Input("data", 1, 1, 9, 7), Conv("Convolution", hw)).Nodes[0];
        var b = Build(Input("data", 1, 1, 9, 7), Conv("Convolution", repeated)).Nodes[0];
        Assert.Equal(S(1, 1, 4, 9), a.Outputs[0].Shape);
        Assert.Equal(a.Attributes, b.Attributes);
        Assert.Equal(new ConvolutionAttributes(1, false, 1, 1, 3, 1, 2, 1, 0, 1, 1, 1), a.Attributes);
    }

    [Fact]
    public void KernelSizeAndKernelHTogetherAreRejected()
    {
        var p = new ConvolutionParameter { NumOutput = 1, KernelSize = { 3 }, KernelH = 3, KernelW = 3 };
        var e = Assert.Throws<CaffeNetException>(() => Build(Input("data", 1, 1, 9, 9), Conv("Convolution", p)));
        Assert.Equal("layer 'conv' (type Convolution): give either kernel_size or kernel_h/_w, not both", e.Message);
    }

    [Fact]
    public void DeconvolutionGrowsTheImage()
    {
        // 2 x (5 - 1) + 4 - 2 x 1 = 10. Weight Cin x Cout/g x k x k = 4 x 2 x 4 x 4.
        var p = new ConvolutionParameter { NumOutput = 2, KernelSize = { 4 }, Stride = { 2 }, Pad = { 1 } };
        var node = Build(Input("data", 1, 4, 5, 5), Conv("Deconvolution", p)).Nodes[0];
        Assert.Equal(S(1, 2, 10, 10), node.Outputs[0].Shape);
        Assert.Equal([S(4, 2, 4, 4), S(2)], node.ParamShapes);
        // Each of the 4 x 5 x 5 input values is spread over 2 x 4 x 4 outputs.
        Assert.Equal(4 * 5 * 5 * 2 * 4 * 4, node.Cost.Macs);
    }

    [Theory]
    [InlineData("ConvolutionDepthwise")]
    [InlineData("DepthwiseConvolution")]
    public void DepthwiseForksUseOneGroupPerChannel(string type)
    {
        var p = new ConvolutionParameter { NumOutput = 8, KernelSize = { 3 }, Pad = { 1 }, BiasTerm = false };
        var node = Build(Input("data", 1, 8, 6, 6), Conv(type, p)).Nodes[0];
        Assert.Equal(S(1, 8, 6, 6), node.Outputs[0].Shape);
        Assert.Equal([S(8, 1, 3, 3)], node.ParamShapes);
        Assert.Equal(8, ((ConvolutionAttributes)node.Attributes!).Group);
        Assert.Equal(8 * 6 * 6 * 9, node.Cost.Macs);
    }

    [Fact]
    public void GroupMustDivideTheChannels()
    {
        var p = new ConvolutionParameter { NumOutput = 4, KernelSize = { 1 }, Group = 2 };
        var e = Assert.Throws<CaffeNetException>(() => Build(Input("data", 1, 3, 4, 4), Conv("Convolution", p)));
        Assert.Equal("layer 'conv' (type Convolution): group 2 must divide the input channels (3)", e.Message);
    }

    [Fact]
    public void KernelLargerThanTheInputGivesANonPositiveSize()
    {
        // (2 - 5) / 1 + 1 = -2.
        var p = new ConvolutionParameter { NumOutput = 1, KernelSize = { 5 } };
        var e = Assert.Throws<CaffeNetException>(() => Build(Input("data", 1, 1, 2, 2), Conv("Convolution", p)));
        Assert.Equal("layer 'conv' (type Convolution): output dimension 2 would be -2 (shape 1x1x-2x-2)", e.Message);
    }
}
