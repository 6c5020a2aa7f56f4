using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Import.Binary;
using CaffeNet.Import.Text;
using CaffeNet.Proto;
using CaffeNet.Runtime;
using Google.Protobuf;

namespace CaffeNet.Tests.CustomLayers;

public class CustomLayerTests
{
    const string Prototxt = """
        name: "cube_net"
        layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 2 dim: 1 dim: 2 } } }
        layer { name: "cube" type: "Cube" bottom: "data" top: "cube" cube_param { scale: 2 with_shift: true } }
        """;

    // The trained net carries the fork field too (scale 3), and the shift blob: 0.5 for channel 0, -1 for channel 1.
    const string Trained = """
        name: "cube_net"
        layer {
          name: "cube" type: "Cube" bottom: "data" top: "cube"
          cube_param { scale: 3 with_shift: true }
          blobs { shape { dim: 2 } data: 0.5 data: -1 }
        }
        """;

    static readonly LayerRegistry Layers = new LayerRegistry().Add(() => new CubeLayer());

    static readonly ImportOptions Options = new() { LayerFields = Layers.LayerFields };

    static readonly Tensor Input = Tensor.From(new TensorShape(1, 2, 1, 2), [1, -2, 0.5f, 3]);

    static (string Prototxt, string Caffemodel) WriteModel(TempDir dir, string prototxt = Prototxt)
    {
        File.WriteAllText(dir.File("net.prototxt"), prototxt);
        var trained = TextFormat.Parse<NetParameter>(Trained, "trained", new TextParseOptions { LayerFields = Layers.LayerFields });
        BinaryFormat.Write(trained, dir.File("net.caffemodel"));
        return (dir.File("net.prototxt"), dir.File("net.caffemodel"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ANetRunsThroughALayerRegisteredFromTestCode(bool fuse)
    {
        using var dir = new TempDir();
        var (prototxt, caffemodel) = WriteModel(dir);
        var net = ModelLoader.Load(prototxt, caffemodel, Options);
        var graph = GraphBuilder.Build(net, Layers);
        using var executor = new Executor(graph, NetWeights.Resolve(graph, MissingWeights.Refuse), fuse ? ExecutorOptions.Fast(2) : ExecutorOptions.Reference);

        var output = executor.Forward(new Dictionary<string, Tensor> { ["data"] = Input })["cube"];

        // The prototxt's scale (2), the caffemodel's shift: 2·1 + 0.5, 2·(-8) + 0.5, 2·0.125 - 1, 2·27 - 1.
        Assert.Equal(new TensorShape(1, 2, 1, 2), output.Shape);
        Assert.Equal([2.5f, -15.5f, -0.75f, 53f], output.ToArray());
        Assert.Equal([new Shape(2)], graph.Nodes.Single(n => n.Name == "cube").ParamShapes);
    }

    [Fact]
    public void ALayerRunsInPlace()
    {
        using var dir = new TempDir();
        var (prototxt, caffemodel) = WriteModel(dir, Prototxt.Replace("top: \"cube\"", "top: \"data\""));
        var graph = GraphBuilder.Build(ModelLoader.Load(prototxt, caffemodel, Options), Layers);
        using var executor = Executor.Create(graph);

        var output = executor.Forward(new Dictionary<string, Tensor> { ["data"] = Input })["data"];

        Assert.Equal([2.5f, -15.5f, -0.75f, 53f], output.ToArray());
    }

    [Fact]
    public void TheBinaryFileCarriesTheForkField()
    {
        using var dir = new TempDir();
        var (_, caffemodel) = WriteModel(dir);

        var layer = ModelLoader.LoadNet(caffemodel, Options).Layer.Single();

        Assert.Equal(new CubeParameter { Scale = 3, WithShift = true }, CubeLayer.CubeParam.Read<CubeParameter>(layer));
        // Kept as the fork writes it: tag 9001·8 + 2 = 72010 (varint CA B2 04), length 7, then
        // scale (tag 0D, 3.0f little-endian) and with_shift (tag 10, 1).
        Assert.Contains("CAB204070D0000404010" + "01", Convert.ToHexString(layer.ToByteArray()));
    }

    [Fact]
    public void WithoutTheRegistryTheStrictReaderRefusesTheField()
    {
        var e = Assert.Throws<CaffeFormatException>(() => TextFormat.Parse<NetParameter>(Prototxt, "net.prototxt"));
        Assert.StartsWith("net.prototxt:3:", e.Message);
        Assert.Contains("caffe.LayerParameter has no field \"cube_param\"", e.Message);
    }

    [Theory]
    [InlineData("cube_param { scael: 2 with_shift: true }", "net.prototxt:3:75: cube.CubeParameter has no field \"scael\"; did you mean \"scale\"? (in layer[1] \"cube\" > cube_param)")]
    [InlineData("cube_param { scale: 2 }", "cube.CubeParameter is missing required field \"with_shift\"")]
    [InlineData("cube_param { with_shift: true } cube_param { with_shift: true }", "field \"cube_param\" is not repeated but is set more than once")]
    [InlineData("cube_param: 2", "expected '{' to start field \"cube_param\" (cube.CubeParameter), got")]
    public void TheForkFieldIsReadStrictly(string field, string expected)
    {
        var text = Prototxt.Replace("cube_param { scale: 2 with_shift: true }", field);
        var e = Assert.Throws<CaffeFormatException>(() =>
            TextFormat.Parse<NetParameter>(text, "net.prototxt", new TextParseOptions { LayerFields = Layers.LayerFields }));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ABinaryForkFieldOfTheWrongTypeIsRefusedWithItsOffset()
    {
        using var dir = new TempDir();
        // One layer (field 100, length 4) holding field 9001 as a varint (tag 9001·8 = 72008: C8 B2 04) of 1.
        File.WriteAllBytes(dir.File("bad.caffemodel"), [0xA2, 0x06, 0x04, 0xC8, 0xB2, 0x04, 0x01]);

        var e = Assert.Throws<CaffeFormatException>(() => ModelLoader.LoadNet(dir.File("bad.caffemodel"), Options));

        Assert.Contains("byte 3", e.Message);
        Assert.Contains("cube_param", e.Message);
        Assert.Contains("cube.CubeParameter", e.Message);
    }

    [Fact]
    public void ItsShapeErrorsNameTheLayer()
    {
        var net = TextFormat.Parse<NetParameter>(Prototxt.Replace("dim: 1 dim: 2 dim: 1 dim: 2", "dim: 4"), "net.prototxt",
            new TextParseOptions { LayerFields = Layers.LayerFields });

        var e = Assert.Throws<CaffeNetException>(() => GraphBuilder.Build(net, Layers));

        Assert.Equal("layer 'cube' (type Cube): needs channels on axis 1, got a 1-axis input", e.Message);
    }

    [Fact]
    public void ATypeTheRegistryLacksIsNotSupported()
    {
        var net = TextFormat.Parse<NetParameter>(Prototxt.Replace(" cube_param { scale: 2 with_shift: true }", ""), "net.prototxt");

        var e = Assert.Throws<CaffeNetException>(() => Executor.Create(GraphBuilder.Build(net, LayerRegistry.Default)));

        Assert.StartsWith("layer 'cube': type Cube is not supported by the runtime", e.Message);
    }

    [Fact]
    public void TheDefaultRegistryIsNotAddedTo() =>
        Assert.Throws<InvalidOperationException>(() => LayerRegistry.Default.Add(() => new CubeLayer()));

    [Fact]
    public void ATypeIsRegisteredOnce()
    {
        var e = Assert.Throws<ArgumentException>(() => new LayerRegistry().Add(() => new CubeLayer()).Add(() => new CubeLayer()));
        Assert.StartsWith("layer type 'Cube' is already registered", e.Message);
    }
}
