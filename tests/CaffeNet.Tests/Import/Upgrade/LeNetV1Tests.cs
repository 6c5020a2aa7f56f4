using CaffeNet.Import.Upgrade;
using CaffeNet.Proto;

namespace CaffeNet.Tests.Import.Upgrade;

/// <summary>
/// LeNet as a V1 prototxt and a V1 caffemodel (weights in `layers[i].blobs`). Expected names, shapes
/// and weight sums come from OpenCV's reading of the same files (tools/opencv-net-summary.py).
/// </summary>
public class LeNetV1Tests
{
    [Fact]
    public void PrototxtUpgradesToTheLayersOpenCvSees()
    {
        var upgraded = NetUpgrader.Upgrade(NetFiles.Prototxt("lenet-v1", "lenet.prototxt"), "lenet.prototxt");

        Assert.Equal(["input", "conv1", "pool1", "conv2", "pool2", "ip1", "relu1", "ip2", "prob"],
            upgraded.Layer.Select(l => l.Name));
        Assert.Equal(["Input", "Convolution", "Pooling", "Convolution", "Pooling", "InnerProduct", "ReLU", "InnerProduct", "Softmax"],
            upgraded.Layer.Select(l => l.Type));
        Assert.Equal([64L, 1, 28, 28], upgraded.Layer[0].InputParam.Shape.Single().Dim);
        // The file: blobs_lr 1 and 2 on each conv and ip layer, no weight_decay.
        Assert.All(upgraded.Layer.Where(l => l.Type is "Convolution" or "InnerProduct"),
            l => Assert.Equal([new ParamSpec { LrMult = 1 }, new ParamSpec { LrMult = 2 }], l.Param));
    }

    [Theory]
    [InlineData("conv1", new[] { 20, 1, 5, 5 }, 15.524769, new[] { 1, 1, 1, 20 }, -1.2605945)]
    [InlineData("conv2", new[] { 50, 20, 5, 5 }, -104.990832, new[] { 1, 1, 1, 50 }, -1.67284508)]
    [InlineData("ip1", new[] { 1, 1, 500, 800 }, 80.6575225, new[] { 1, 1, 1, 500 }, 0.558648188)]
    [InlineData("ip2", new[] { 1, 1, 10, 500 }, 0.204756124, new[] { 1, 1, 1, 10 }, -9.84314829e-06)]
    public void CaffemodelKeepsItsWeights(string layer, int[] weightDims, double weightSum, int[] biasDims, double biasSum)
    {
        var original = NetFiles.Binary("lenet-v1", "lenet_iter_10000.caffemodel");

        var upgraded = NetUpgrader.Upgrade(original, "lenet_iter_10000.caffemodel");

        var blobs = upgraded.Layer.Single(l => l.Name == layer).Blobs;
        Assert.Equal(2, blobs.Count);
        Assert.Equal(weightDims, LegacyDims(blobs[0]));
        Assert.Equal(biasDims, LegacyDims(blobs[1]));
        AssertSum(weightSum, blobs[0]);
        AssertSum(biasSum, blobs[1]);
        Assert.Equal(original.Layers.Single(l => l.Name == layer).Blobs, blobs);
    }

    [Fact]
    public void CaffemodelTrainingLayersUpgradeToo()
    {
        var upgraded = NetUpgrader.Upgrade(NetFiles.Binary("lenet-v1", "lenet_iter_10000.caffemodel"), "lenet_iter_10000.caffemodel");

        Assert.Equal(["Data", "Convolution", "Pooling", "Convolution", "Pooling", "InnerProduct", "ReLU", "InnerProduct", "SoftmaxWithLoss"],
            upgraded.Layer.Select(l => l.Type));
        var mnist = upgraded.Layer[0];
        Assert.Equal([new NetStateRule { Phase = Phase.Train }], mnist.Include);
        Assert.Equal(0.00390625f, mnist.TransformParam.Scale);
        Assert.Equal(64u, mnist.DataParam.BatchSize);
        Assert.Empty(upgraded.Layers);
    }

    /// <summary>OpenCV's sums are printed to 9 significant digits.</summary>
    static void AssertSum(double expected, BlobProto blob)
    {
        var sum = blob.Data.Sum(v => (double)v);
        Assert.True(Math.Abs(sum - expected) <= 1e-8 * Math.Abs(expected), $"sum {sum:R}, OpenCV {expected:R}");
    }

    static int[] LegacyDims(BlobProto blob) => [blob.Num, blob.Channels, blob.Height, blob.Width];
}
