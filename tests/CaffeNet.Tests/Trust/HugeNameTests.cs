using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Proto;
using CaffeNet.Runtime;
using CaffeNet.Tests.Graph;

namespace CaffeNet.Tests.Trust;

/// <summary>
/// Issue 10, point 5: a name or token of megabytes in a model makes messages that quote at most
/// about 80 of its characters (its head, then its length), never the whole of it.
/// </summary>
public class HugeNameTests
{
    const int OneMB = 1 << 20;
    const int TenMB = 10 << 20;

    // What a message shows of a long name: its first 77 characters, "...", then its length.
    static string Shown(char c, int length) => $"'{new string(c, 77)}...' ({length} characters)";

    static string Bounded(Exception e)
    {
        Assert.True(e.Message.Length < 400, $"message of {e.Message.Length} characters");
        return e.Message;
    }

    [Fact]
    public void ExcerptKeepsShortNamesWholeAndCutsLongOnes()
    {
        Assert.Equal("'conv1'", Excerpt.Name("conv1"));
        Assert.Equal($"'{new string('x', 80)}'", Excerpt.Name(new string('x', 80)));
        Assert.Equal(Shown('x', 81), Excerpt.Name(new string('x', 81)));
        Assert.Equal("layer 'c' (type Convolution)", Excerpt.Layer("c", "Convolution"));
        Assert.Equal($"layer {Shown('n', OneMB)} (type {new string('t', 77)}... ({OneMB} characters))",
            Excerpt.Layer(new string('n', OneMB), new string('t', OneMB)));
        // Never half a surrogate pair: the head stops before it.
        var emoji = new string('e', 76) + "\U0001F600" + new string('e', 10);
        Assert.Equal($"'{new string('e', 76)}...' ({emoji.Length} characters)", Excerpt.Name(emoji));
    }

    [Fact]
    public void ExcerptListsTheFirstFewAndCountsTheRest()
    {
        Assert.Equal("", Excerpt.List([]));
        Assert.Equal("a, b, c", Excerpt.List(["a", "b", "c"], 3));
        Assert.Equal("a, b and 2 more", Excerpt.List(["a", "b", "c", "d"], 2));
        Assert.Equal("0, 1, 2, 3, 4 and 99995 more", Excerpt.List(Enumerable.Range(0, 100_000).Select(i => i.ToString())));
    }

    [Fact]
    public void ExcerptCutsOnlyPathsLongerThanARealOne()
    {
        var path = "/tmp/" + new string('p', 300) + ".npy";
        Assert.Equal(path, Excerpt.Path(path));
        var huge = "/tmp/" + new string('q', OneMB) + ".npy";
        var shown = Excerpt.Path(huge);
        Assert.Equal($"/tmp/{new string('q', 195)}...{new string('q', 96)}.npy ({huge.Length} characters)", shown);
    }

    [Fact]
    public void AHugeLayerNameIsQuotedByItsHeadWhenItsBottomIsMissing()
    {
        var name = new string('a', TenMB);
        var e = Assert.Throws<CaffeNetException>(() => Nets.Build(Nets.Input("data", 1, 2), Nets.Layer(name, "ReLU", "nope", "y")));
        Assert.Equal($"layer {Shown('a', TenMB)} (type ReLU): bottom 'nope' is not produced by any layer before it (nor is it a net input)",
            Bounded(e));
    }

    [Fact]
    public void AHugeBlobNameIsQuotedByItsHead()
    {
        var blob = new string('b', OneMB);
        var e = Assert.Throws<CaffeNetException>(() => Nets.Build(Nets.Input("data", 1, 2), Nets.Layer("r", "ReLU", blob, "y")));
        Assert.Equal($"layer 'r' (type ReLU): bottom {Shown('b', OneMB)} is not produced by any layer before it (nor is it a net input)",
            Bounded(e));
    }

    [Fact]
    public void AHugeTopWrittenTwiceIsQuotedByItsHead()
    {
        var blob = new string('t', OneMB);
        var e = Assert.Throws<CaffeNetException>(() => Nets.Build(Nets.Input("data", 1, 2),
            Nets.Layer("r1", "ReLU", "data", blob), Nets.Layer("r2", "ReLU", "data", blob)));
        Assert.StartsWith($"layer 'r2' (type ReLU): top {Shown('t', OneMB)} is already written by layer 'r1'; ", Bounded(e));
    }

    [Fact]
    public void AHugeTypeNameIsQuotedByItsHeadWhenTheRuntimeRefusesIt()
    {
        var type = new string('T', TenMB);
        var graph = Nets.Build(Nets.Input("data", 1, 2), Nets.Layer("r", type, "data", "y"));
        Assert.Single(graph.UnknownNodes);
        var e = Assert.Throws<CaffeNetException>(() => Executor.Create(graph));
        Assert.StartsWith($"layer 'r': type {new string('T', 77)}... ({TenMB} characters) is not supported by the runtime (supported: ", Bounded(e));
        Assert.EndsWith(" more)", e.Message);
    }

    [Fact]
    public void AnUnsupportedTypeNearAKnownOneIsNamed()
    {
        var graph = Nets.Build(Nets.Input("data", 1, 2), Nets.Layer("r", "Relu", "data", "y"));
        var e = Assert.Throws<CaffeNetException>(() => Executor.Create(graph));
        Assert.StartsWith("layer 'r': type Relu is not supported by the runtime; did you mean ReLU? (supported: AbsVal, Accuracy, ", Bounded(e));
    }

    [Fact]
    public void AHugeInputNameGivenToForwardIsQuotedByItsHead()
    {
        var graph = Nets.Build(Nets.Input("data", 1, 2), Nets.Layer("r", "ReLU", "data", "y"));
        using var executor = Executor.Create(graph);
        var name = new string('i', OneMB);
        var e = Assert.Throws<CaffeNetException>(() => executor.Forward(new Dictionary<string, Tensor> { [name] = Tensor.From([1, 2], [1f, 2f]) }));
        Assert.Equal($"net 'test' has no input {Shown('i', OneMB)} (its inputs: data)", Bounded(e));
    }

    [Fact]
    public void ManyInputsAreListedByTheFirstFew()
    {
        var layers = Enumerable.Range(0, 1000).Select(i => Nets.Input($"in{i}", 1)).ToArray();
        var graph = Nets.Build(layers);
        using var executor = Executor.Create(graph);
        var e = Assert.Throws<CaffeNetException>(() => executor.Forward(new Dictionary<string, Tensor> { ["x"] = Tensor.From([1], [1f]) }));
        Assert.Equal("net 'test' has no input 'x' (its inputs: in0, in1, in2, in3, in4 and 995 more)", Bounded(e));
    }

    [Fact]
    public void MissingWeightsOfHugeLayersAreNamedByTheirHeads()
    {
        var layers = new List<LayerParameter> { Nets.Input("data", 1, 1, 2, 2) };
        for (int i = 0; i < 5; i++)
        {
            var conv = Nets.Layer(new string((char)('a' + i), OneMB), "Convolution", i == 0 ? "data" : $"c{i - 1}", $"c{i}");
            conv.ConvolutionParam = new ConvolutionParameter { NumOutput = 1, KernelSize = { 1 } };
            layers.Add(conv);
        }
        var graph = Nets.Build([.. layers]);
        var e = Assert.Throws<MissingWeightsException>(() => NetWeights.Resolve(graph, MissingWeights.Refuse));
        Assert.Equal($"no weights for 5 of the net's 5 learnable layers: {Shown('a', OneMB)} (Convolution), " +
            $"{Shown('b', OneMB)} (Convolution), {Shown('c', OneMB)} (Convolution) and 2 more", e.Message);
        Assert.True(e.Message.Length < 500, $"message of {e.Message.Length} characters");
    }

    [Fact]
    public void AHugeNetNameIsQuotedByItsHeadInBudgetMessages()
    {
        var net = Nets.Of(Nets.Input("data", 1, 1000));
        net.Name = new string('N', OneMB);
        var graph = GraphBuilder.Build(net, LayerRegistry.Default);
        var options = ExecutorOptions.Reference with { Budget = MemoryBudget.PerCheck(64) };
        var e = Assert.Throws<MemoryBudgetException>(() => new Executor(graph, NetWeights.Resolve(graph, MissingWeights.Refuse), options));
        Assert.StartsWith($"net {Shown('N', OneMB)} needs ", Bounded(e));
    }

    // The prototxt reader itself is covered by TextHugeInputTests; here a whole file goes through
    // the loader and the graph builder, with a 10 MB number and a 10 MB field name.
    [Theory]
    [InlineData("layer {{ name: \"data\" type: \"Input\" top: \"data\" input_param {{ shape {{ dim: {0} }} }} }}\n", '9',
        "1:75: {0}... ({1} characters) is out of range for field \"dim\" (int64) (in layer[0] \"data\" > input_param > shape[0])")]
    [InlineData("layer {{ name: \"data\" type: \"Input\" top: \"data\" {0}: 1 }}\n", 'z',
        "1:48: caffe.LayerParameter has no field \"{0}...\" ({1} characters) (in layer[0] \"data\")")]
    public void AHugeTokenInAFileIsQuotedByItsHead(string template, char fill, string expected)
    {
        using var dir = new TempDir();
        var path = dir.File("huge.prototxt");
        File.WriteAllText(path, string.Format(template, new string(fill, TenMB)));
        var e = Assert.Throws<CaffeFormatException>(() => ModelLoader.Load(path, null));
        Assert.Equal($"{path}:{string.Format(expected, new string(fill, 77), TenMB)}", Bounded(e));
    }
}
