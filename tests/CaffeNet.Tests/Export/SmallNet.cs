using CaffeNet.Export.Onnx;
using CaffeNet.Graph;
using CaffeNet.Import.Text;
using CaffeNet.Proto;
using CaffeNet.Runtime;

namespace CaffeNet.Tests.Export;

/// <summary>A net written as prototxt text (blobs inline where a test sets them), exported and run both ways.</summary>
sealed class SmallNet
{
    public SmallNet(string prototxt, ulong seed = 0)
    {
        Graph = GraphBuilder.Build(TextFormat.Parse<NetParameter>(prototxt, "test.prototxt"), LayerRegistry.Default);
        Weights = NetWeights.Resolve(Graph, MissingWeights.Fill(seed));
    }

    public NetGraph Graph { get; }

    public NetWeights Weights { get; }

    public byte[] Onnx(int opset = OnnxExportOptions.DefaultOpset) =>
        OnnxExporter.Export(Graph, Weights, new OnnxExportOptions { Opset = opset });

    /// <summary>The exported model's net outputs from ONNX Runtime.</summary>
    public Dictionary<string, Tensor> RunOnnx(IReadOnlyDictionary<string, Tensor> inputs, int opset = OnnxExportOptions.DefaultOpset) =>
        OnnxRuntimeOracle.Run(Onnx(opset), inputs);

    /// <summary>The net outputs from our reference executor.</summary>
    public Dictionary<string, Tensor> RunOurs(IReadOnlyDictionary<string, Tensor> inputs)
    {
        using var executor = new Executor(Graph, Weights, ExecutorOptions.Reference);
        return new(executor.Forward(inputs), StringComparer.Ordinal);
    }

    /// <summary>An Input layer line for a net of one input "data".</summary>
    public static string Input(params int[] dims) =>
        $"layer {{ name: \"data\" type: \"Input\" top: \"data\" input_param {{ shape {{ {string.Join(" ", dims.Select(d => $"dim: {d}"))} }} }} }}\n";

    /// <summary>A blob { } block holding <paramref name="values"/> with shape <paramref name="dims"/>.</summary>
    public static string Blob(int[] dims, params float[] values) =>
        $"blobs {{ shape {{ {string.Join(" ", dims.Select(d => $"dim: {d}"))} }} {string.Join(" ", values.Select(v => $"data: {v:R}"))} }}";
}
