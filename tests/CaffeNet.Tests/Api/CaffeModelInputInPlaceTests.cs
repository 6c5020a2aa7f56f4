using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using CaffeNet.Runtime;
using Tensor = System.Numerics.Tensors.Tensor;

namespace CaffeNet.Tests.Api;

/// <summary>
/// Inputs are read straight from the caller's memory (spans, Memory, tensors) unless a layer works
/// in place on them; then they are copied, and the caller's floats are never written.
/// </summary>
public class CaffeModelInputInPlaceTests
{
    /// <summary>At its forward, writes <see cref="Poke"/> into the caller's input array; its output is a copy of its input.</summary>
    sealed class PokeLayer(float[] target) : CustomLayer
    {
        public const float Poke = 100;

        public override string Type => "Poke";

        public override IReadOnlyList<TensorShape> Reshape(IReadOnlyList<TensorShape> inputs) => [inputs[0]];

        public override void Forward(ReadOnlySpan<CaffeNet.Runtime.Tensor> inputs, ReadOnlySpan<CaffeNet.Runtime.Tensor> outputs)
        {
            inputs[0].Span.CopyTo(outputs[0].Span);
            target[0] = Poke;
        }
    }

    // x is read by the poke layer, then by a ReLU: if x was copied into the run's memory before the
    // run, the ReLU sees the old first value; read in place, it sees the poke.
    const string PokeThenRelu = """
        layer { name: "x" type: "Input" top: "x" input_param { shape { dim: 1 dim: 4 } } }
        layer { name: "poke" type: "Poke" bottom: "x" top: "before" }
        layer { name: "relu" type: "ReLU" bottom: "x" top: "after" }
        """;

    static CaffeModel PokeModel(string prototxt, float[] target) =>
        ApiModels.FromText(prototxt, new CaffeModelOptions { Registry = new LayerRegistry().Add(() => new PokeLayer(target)) });

    [Fact]
    public void ASpanIsReadWhereTheCallerKeepsIt()
    {
        float[] x = [-1, 2, -3, 4];
        using var model = PokeModel(PokeThenRelu, x);
        using var result = model.Run(x.AsSpan());
        Assert.Equal([-1f, 2, -3, 4], result["before"].ToArray());
        Assert.Equal([PokeLayer.Poke, 2, 0, 4], result["after"].ToArray());
    }

    [Fact]
    public void MemoryAndTensorsAreReadWhereTheCallerKeepsThem()
    {
        float[] x = [-1, 2, -3, 4];
        using var model = PokeModel(PokeThenRelu, x);
        using (var result = model.Run(new ModelInput("x", x)))
            Assert.Equal([PokeLayer.Poke, 2, 0, 4], result["after"].ToArray());
        x[0] = -1;
        var tensor = Tensor.Create(x, [1, 4]);
        using (var result = model.Run(new Dictionary<string, Tensor<float>> { ["x"] = tensor }))
            Assert.Equal([PokeLayer.Poke, 2, 0, 4], result["after"].ToArray());
        x[0] = -1;
        using (var result = model.Run(tensor.AsReadOnlyTensorSpan()))
            Assert.Equal([PokeLayer.Poke, 2, 0, 4], result["after"].ToArray());
    }

    [Fact]
    public void AStridedTensorIsGatheredInsteadAndTheRunSeesTheValuesOfItsStart()
    {
        // Every other float of x: a 1x4 view with stride 2, which cannot be read in place.
        float[] x = [-1, 9, 2, 9, -3, 9, 4, 9];
        using var model = PokeModel(PokeThenRelu, x);
        var strided = new ReadOnlyTensorSpan<float>(x, [1, 4], [0, 2]);
        using var result = model.Run(strided);
        Assert.Equal(PokeLayer.Poke, x[0]);
        Assert.Equal([0f, 2, 0, 4], result["after"].ToArray());
    }

    [Fact]
    public void AnInputALayerWorksInPlaceOnIsCopiedAndTheCallersFloatsStayAsTheyWere()
    {
        using var model = ApiModels.FromText("""
            layer { name: "x" type: "Input" top: "x" input_param { shape { dim: 1 dim: 4 } } }
            layer { name: "relu" type: "ReLU" bottom: "x" top: "x" }
            layer { name: "scale" type: "Power" bottom: "x" top: "y" power_param { scale: 2 } }
            """);
        float[] x = [-1, 2, -3, 4];
        using (var result = model.Run(x.AsSpan()))
            Assert.Equal([0f, 4, 0, 8], result.Output.ToArray());
        Assert.Equal([-1f, 2, -3, 4], x);
        using (var result = model.Run(Tensor.Create(x, [1, 4]).AsReadOnlyTensorSpan()))
            Assert.Equal([0f, 4, 0, 8], result.Output.ToArray());
        Assert.Equal([-1f, 2, -3, 4], x);
    }

    [Fact]
    public void AFlattenedInputIsReadInPlaceThroughTheFlatten()
    {
        // The fused path skips the Flatten: its top is the input's storage seen with another shape.
        float[] x = [1, -2, 3, -4, 5, -6];
        using var model = PokeModel("""
            layer { name: "x" type: "Input" top: "x" input_param { shape { dim: 1 dim: 2 dim: 3 } } }
            layer { name: "poke" type: "Poke" bottom: "x" top: "before" }
            layer { name: "flat" type: "Flatten" bottom: "x" top: "flat" }
            layer { name: "abs" type: "AbsVal" bottom: "flat" top: "y" }
            """, x);
        using var result = model.Run(x.AsSpan());
        Assert.Equal([PokeLayer.Poke, 2, 3, 4, 5, 6], result["y"].ToArray());
    }

    [Fact]
    public void AnInputTheNetReturnsIsCopied()
    {
        // The result is read after Run returns, when the caller's floats are no longer pinned.
        using var model = ApiModels.FromText("""
            layer { name: "x" type: "Input" top: "x" input_param { shape { dim: 1 dim: 3 } } }
            layer { name: "flat" type: "Flatten" bottom: "x" top: "y" }
            """);
        float[] x = [1, 2, 3];
        using var result = model.Run(x.AsSpan());
        x[0] = 7;
        Assert.Equal([1f, 2, 3], result.Output.ToArray());
    }

    [Fact]
    public void MobileNetV2ReadInPlaceIsBitForBitTheCopiedRun()
    {
        using var model = CaffeModel.Load(ApiModels.MobileNetV2, ApiModels.MobileNetV2Weights,
            new CaffeModelOptions { Threads = 2, KeepBlobs = ["data"] });
        var input = ApiModels.Random(3 * 224 * 224, seed: 7);
        // Read in place from a dense span; gathered into the run's memory from a strided view of a
        // twice-as-long array: two ways in, one answer.
        var spaced = new float[input.Length * 2];
        for (int i = 0; i < input.Length; i++)
            spaced[2 * i] = input[i];
        using var inPlace = model.Run(input.AsSpan());
        using var gathered = model.Run(new ReadOnlyTensorSpan<float>(spaced, [1, 3, 224, 224], [0, 2 * 224 * 224, 2 * 224, 2]));
        Assert.Equal(gathered.Output.ToArray(), inPlace.Output.ToArray());
        Assert.Equal(input, inPlace["data"].ToArray());
        Assert.Equal(input, gathered["data"].ToArray());
        Assert.True(inPlace.Output.ToArray().Max() > 0.001f);
    }

    [Fact]
    public unsafe void NoKernelReadsPastTheEndsOfACallersInput()
    {
        // mmap and mprotect: Linux only, where CI runs.
        if (!OperatingSystem.IsLinux())
            return;
        // MobileNetV2's input is exactly 147 pages; with an unreadable page on each side, any read
        // before or past it faults.
        const int Page = 4096, Floats = 3 * 224 * 224;
        Assert.Equal(0, Floats * sizeof(float) % Page);
        nuint bytes = (nuint)(Floats * sizeof(float) + 2 * Page);
        byte* region = Mmap(null, bytes, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        Assert.True(region != (byte*)-1);
        try
        {
            Assert.Equal(0, Mprotect(region, Page, ProtNone));
            Assert.Equal(0, Mprotect(region + Page + Floats * sizeof(float), Page, ProtNone));
            var guarded = new Span<float>(region + Page, Floats);
            ApiModels.Random(Floats, seed: 3).CopyTo(guarded);
            using var model = CaffeModel.Load(ApiModels.MobileNetV2, ApiModels.MobileNetV2Weights, new CaffeModelOptions { Threads = 2 });
            using var fromGuarded = model.Run(guarded);
            using var fromArray = model.Run(guarded.ToArray());
            Assert.Equal(fromArray.Output.ToArray(), fromGuarded.Output.ToArray());
        }
        finally
        {
            Munmap(region, bytes);
        }
    }

    const int ProtNone = 0, ProtRead = 1, ProtWrite = 2, MapPrivate = 2, MapAnonymous = 0x20;

    [DllImport("libc", EntryPoint = "mmap", SetLastError = true)]
    static extern unsafe byte* Mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [DllImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    static extern unsafe int Mprotect(void* address, nuint length, int protection);

    [DllImport("libc", EntryPoint = "munmap", SetLastError = true)]
    static extern unsafe int Munmap(void* address, nuint length);
}
