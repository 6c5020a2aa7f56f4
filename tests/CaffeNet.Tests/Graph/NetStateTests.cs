using CaffeNet.Graph;
using CaffeNet.Proto;
using static CaffeNet.Tests.Graph.Nets;
using CaffeNet.Runtime;

namespace CaffeNet.Tests.Graph;

public class NetStateTests
{
    static LayerParameter Only(LayerParameter layer, NetStateRule rule, bool exclude = false)
    {
        (exclude ? layer.Exclude : layer.Include).Add(rule);
        return layer;
    }

    static NetParameter Net() => Of(
        Input("data", 1, 4),
        Only(Layer("train_only", "ReLU", "data", "t"), new() { Phase = Phase.Train }),
        Only(Layer("test_only", "ReLU", "data", "e"), new() { Phase = Phase.Test }),
        Only(Layer("not_deploy", "ReLU", "data", "d"), new() { Stage = { "deploy" } }, exclude: true),
        Only(Layer("deploy", "ReLU", "data", "p"), new() { Stage = { "deploy" } }),
        Only(Layer("level2", "ReLU", "data", "l"), new() { MinLevel = 2 }));

    static IEnumerable<string> Names(NetGraph g) => g.Nodes.Select(n => n.Name);

    [Fact]
    public void TestPhaseByDefault()
    {
        Assert.Equal(["test_only", "not_deploy"], Names(GraphBuilder.Build(Net(), LayerRegistry.Default)));
    }

    [Fact]
    public void TrainPhaseFromOptions()
    {
        Assert.Equal(["train_only", "not_deploy"], Names(GraphBuilder.Build(Net(), LayerRegistry.Default, new GraphOptions { Phase = Phase.Train })));
    }

    [Fact]
    public void StagesAndLevel()
    {
        var g = GraphBuilder.Build(Net(), LayerRegistry.Default, new GraphOptions { Stages = ["deploy"], Level = 2 });
        Assert.Equal(["test_only", "deploy", "level2"], Names(g));
    }

    [Fact]
    public void TheNetsOwnStateIsUsed()
    {
        var net = Net();
        net.State = new NetState { Phase = Phase.Train, Stage = { "deploy" } };
        Assert.Equal(["train_only", "deploy"], Names(GraphBuilder.Build(net, LayerRegistry.Default)));
    }

    [Fact]
    public void IncludeAndExcludeTogetherAreRejected()
    {
        var layer = Only(Only(Layer("both", "ReLU", "data", "b"), new() { Phase = Phase.Test }), new() { Phase = Phase.Train }, exclude: true);
        var e = Assert.Throws<CaffeNetException>(() => Build(Input("data", 1), layer));
        Assert.Equal("layer 'both' (type ReLU): has both include and exclude rules; Caffe allows only one kind", e.Message);
    }

    [Fact]
    public void BottomFromALayerOutsideTheStateIsExplained()
    {
        var net = Of(Only(Input("data", 1, 2), new() { Phase = Phase.Train }), Layer("relu", "ReLU", "data", "relu"));
        var e = Assert.Throws<CaffeNetException>(() => GraphBuilder.Build(net, LayerRegistry.Default));
        Assert.Equal("layer 'relu' (type ReLU): bottom 'data' is written only by layer 'data', which is not in this net state (phase TEST, level 0, stages [])", e.Message);
    }
}
