using CaffeNet.Import;
using CaffeNet.Import.Upgrade;
using CaffeNet.Proto;

namespace CaffeNet.Tests.Import.Upgrade;

public class InputUpgradeTests
{
    [Fact]
    public void InputDimsBecomeAnInputLayerInFront()
    {
        var net = NetWithRelu();
        net.Input.Add(["data", "label"]);
        net.InputDim.Add([10, 3, 227, 227, 10, 1, 1, 1]);

        var upgraded = NetUpgrader.Upgrade(net, "net.prototxt");

        Assert.Equal(["input", "relu"], upgraded.Layer.Select(l => l.Name));
        var input = upgraded.Layer[0];
        Assert.Equal("Input", input.Type);
        Assert.Equal(["data", "label"], input.Top);
        Assert.Equal([Shape(10, 3, 227, 227), Shape(10, 1, 1, 1)], input.InputParam.Shape);
        Assert.Empty(upgraded.Input);
        Assert.Empty(upgraded.InputDim);
    }

    [Fact]
    public void InputShapesBecomeAnInputLayer()
    {
        var net = NetWithRelu();
        net.Input.Add("data");
        net.InputShape.Add(Shape(1, 3, 224, 224, 2));

        var upgraded = NetUpgrader.Upgrade(net, "net.prototxt");

        Assert.Equal([Shape(1, 3, 224, 224, 2)], upgraded.Layer[0].InputParam.Shape);
        Assert.Empty(upgraded.InputShape);
    }

    [Fact]
    public void InputShapeWinsOverInputDim()
    {
        var net = NetWithRelu();
        net.Input.Add("data");
        net.InputShape.Add(Shape(1, 3, 8, 8));
        net.InputDim.Add([2, 2]);

        var upgraded = NetUpgrader.Upgrade(net, "net.prototxt");

        Assert.Equal([Shape(1, 3, 8, 8)], upgraded.Layer[0].InputParam.Shape);
        Assert.Empty(upgraded.InputDim);
    }

    [Fact]
    public void InputNamesAloneAreDropped()
    {
        // Old caffemodels list the input names without a shape; Caffe just removes them.
        var net = NetWithRelu();
        net.Input.Add("data");

        var upgraded = NetUpgrader.Upgrade(net, "old.caffemodel");

        Assert.Equal(["relu"], upgraded.Layer.Select(l => l.Name));
        Assert.Empty(upgraded.Input);
    }

    [Fact]
    public void InputDimCountOtherThanFourPerInputIsRefused()
    {
        var net = NetWithRelu();
        net.Input.Add(["data", "label"]);
        net.InputDim.Add([10, 3, 227, 227, 10, 1, 1]);

        var error = Assert.Throws<CaffeFormatException>(() => NetUpgrader.Upgrade(net, "deploy.prototxt"));

        Assert.Equal("deploy.prototxt: input_dim: 7 input_dim values for 2 inputs (data, label); expected 4 per input (N, C, H, W)",
            error.Message);
    }

    [Fact]
    public void InputShapeCountOtherThanOnePerInputIsRefused()
    {
        var net = NetWithRelu();
        net.Input.Add(["data", "label"]);
        net.InputShape.Add(Shape(1, 3, 8, 8));

        var error = Assert.Throws<CaffeFormatException>(() => NetUpgrader.Upgrade(net, "deploy.prototxt"));

        Assert.Equal("deploy.prototxt: input_shape: 1 input_shape entries for 2 inputs (data, label); expected one per input",
            error.Message);
    }

    static NetParameter NetWithRelu()
    {
        var net = new NetParameter();
        net.Layer.Add(new LayerParameter { Name = "relu", Type = "ReLU", Bottom = { "data" }, Top = { "data" } });
        return net;
    }

    static BlobShape Shape(params long[] dims) => new() { Dim = { dims } };
}
