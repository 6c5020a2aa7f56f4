namespace CaffeNet.Tests.Api;

/// <summary>The graph a model exposes: layers, their blobs and shapes, parameters and MACs (figures as `caffenet dump` prints them).</summary>
public class CaffeModelInspectionTests
{
    [Fact]
    public void LayersShapesParamsAndMacsAreThereToRead()
    {
        using var model = CaffeModel.Load(ApiModels.MobileNetV2, ApiModels.MobileNetV2Weights, new CaffeModelOptions { Threads = 1 });
        Assert.Equal(206, model.Layers.Count);
        var conv = model.Layers[0];
        Assert.Equal(("conv_1_1", "Convolution"), (conv.Name, conv.Type));
        Assert.Equal(["data"], conv.Inputs.Select(v => v.Name));
        Assert.Equal(["conv_1_1"], conv.Outputs.Select(v => v.Name));
        Assert.Equal(new Shape(1, 32, 112, 112), conv.Outputs[0].Shape);
        // 32 filters of 3x3x3, no bias: 864 weights; each of 112x112x32 outputs takes 27 MACs.
        Assert.Equal(864L, conv.Cost.Params);
        Assert.Equal((long?)(112L * 112 * 32 * 27), conv.Cost.Macs);
        Assert.Equal(3_536_348, model.Graph.TotalCost.Params);
        Assert.Equal(313_619_328, model.Graph.TotalCost.Macs);
        Assert.True(model.Layers[1].IsInPlace(0));
        model.Reshape(batch: 2);
        Assert.Equal(2 * 313_619_328L, model.Graph.TotalCost.Macs);
    }
}
