using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime;
using CaffeNet.Tests.Graph;

namespace CaffeNet.Tests.Runtime;

/// <summary>Where each learnable blob comes from, and when a missing one is refused.</summary>
public class NetWeightsTests
{
    static BlobProto Blob(long[] dims, params float[] values)
    {
        var blob = new BlobProto { Shape = new BlobShape() };
        blob.Shape.Dim.AddRange(dims);
        blob.Data.AddRange(values);
        return blob;
    }

    /// <summary>
    /// data 1x2 -> ip (2 outputs, no bias) -> scale -> prelu -> ip2 (1 output, no bias) -> bias:
    /// five learnable layers; only ip is given its blob when <paramref name="trained"/> is false.
    /// </summary>
    static NetGraph Chain(bool trained)
    {
        var ip = Nets.Layer("ip", "InnerProduct", "data", "a");
        ip.InnerProductParam = new InnerProductParameter { NumOutput = 2, BiasTerm = false };
        ip.Blobs.Add(Blob([2, 2], 1, 2, 3, 4));
        var scale = Nets.Layer("scale", "Scale", "a", "b");
        var prelu = Nets.Layer("prelu", "PReLU", "b", "c");
        var ip2 = Nets.Layer("ip2", "InnerProduct", "c", "d");
        ip2.InnerProductParam = new InnerProductParameter { NumOutput = 1, BiasTerm = false };
        var bias = Nets.Layer("bias", "Bias", "d", "e");
        if (trained)
        {
            scale.Blobs.Add(Blob([2], 2, 3));
            prelu.Blobs.Add(Blob([2], 0.5f, 0.5f));
            ip2.Blobs.Add(Blob([1, 2], 1, -1));
            bias.Blobs.Add(Blob([1], 10));
        }
        return Nets.Build(Nets.Input("data", 1, 2), ip, scale, prelu, ip2, bias);
    }

    [Fact]
    public void RefusingNamesHowManyLayersLackWeightsAndTheFirstThree()
    {
        var graph = Chain(trained: false);

        var e = Assert.Throws<MissingWeightsException>(() => NetWeights.Resolve(graph, MissingWeights.Refuse));

        Assert.Equal("no weights for 4 of the net's 5 learnable layers: 'scale' (Scale), 'prelu' (PReLU), 'ip2' (InnerProduct) and 1 more",
            e.Message);
        Assert.Equal(["scale", "prelu", "ip2", "bias"], e.Missing.Select(n => n.Name));
        Assert.Equal(5, e.Learnable);
    }

    [Fact]
    public void RefusingPassesWhenTheModelGivesEveryBlob()
    {
        var graph = Chain(trained: true);

        var weights = NetWeights.Resolve(graph, MissingWeights.Refuse);

        Assert.Empty(weights.Filled);
        // x = [1, -1]: ip [1·1 + 2·(−1), 3·1 + 4·(−1)] = [−1, −1]; scale [−2, −3]; PReLU ·0.5 [−1, −1.5];
        // ip2 −1 + 1.5 = 0.5; bias 10.5.
        using var executor = new Executor(graph, weights);
        var output = executor.Forward(new Dictionary<string, Tensor> { ["data"] = Tensor.From([1, 2], [1f, -1f]) })["e"];
        Assert.Equal([10.5f], output.ToArray());
    }

    [Fact]
    public void FillingMakesOnlyTheMissingBlobs()
    {
        var graph = Chain(trained: false);

        var weights = NetWeights.Resolve(graph, MissingWeights.Fill(7));

        Assert.Equal(["scale", "prelu", "ip2", "bias"], weights.Filled.Select(n => n.Name));
        Assert.Equal([1f, 2, 3, 4], weights.For(graph.Nodes.Single(n => n.Name == "ip"))[0].ToArray());
        // Unset fillers: Scale's factor is constant 1, PReLU's slope 0.25, the others constant 0.
        Assert.Equal([1f, 1], weights.For(graph.Nodes.Single(n => n.Name == "scale"))[0].ToArray());
        Assert.Equal([0.25f, 0.25f], weights.For(graph.Nodes.Single(n => n.Name == "prelu"))[0].ToArray());
        Assert.Equal([0f], weights.For(graph.Nodes.Single(n => n.Name == "bias"))[0].ToArray());
    }
}
