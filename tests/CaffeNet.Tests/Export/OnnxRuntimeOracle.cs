using CaffeNet.Export.Onnx;
using CaffeNet.Graph;
using CaffeNet.Onnx.Proto;
using CaffeNet.Runtime;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace CaffeNet.Tests.Export;

/// <summary>
/// Runs exported models in ONNX Runtime (an independent engine) and compares them with our
/// reference executor by the project's rule (tools/crosscheck-opencv.py):
/// max|ours - theirs| &lt;= 1e-4 · max(1, max|ours|).
/// </summary>
static class OnnxRuntimeOracle
{
    public const double Tolerance = 1e-4;

    /// <summary>The model's outputs by name, for inputs by name; <paramref name="outputs"/> picks which (all by default).</summary>
    public static Dictionary<string, Tensor> Run(byte[] model, IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyList<string>? outputs = null)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        var names = inputs.Keys.ToArray();
        var values = names.Select(n => OrtValue.CreateTensorValueFromMemory(inputs[n].ToArray(),
            inputs[n].Shape.Dims.ToArray().Select(d => (long)d).ToArray())).ToArray();
        try
        {
            var wanted = outputs ?? [.. session.OutputMetadata.Keys];
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, names, values, wanted);
            var byName = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            for (int i = 0; i < wanted.Count; i++)
            {
                var shape = results[i].GetTensorTypeAndShape().Shape.Select(d => checked((int)d)).ToArray();
                byName[wanted[i]] = Tensor.From(new TensorShape(shape), results[i].GetTensorDataAsSpan<float>());
            }
            return byName;
        }
        finally
        {
            foreach (var v in values)
                v.Dispose();
        }
    }

    /// <summary>The figures of the rule: max|a - b| and max|ours|; null error when the shapes differ.</summary>
    public static (double? Error, double Scale) Compare(in Tensor ours, in Tensor theirs)
    {
        double scale = 0;
        foreach (var v in ours.Span)
            scale = Math.Max(scale, Math.Abs(v));
        if (ours.Shape != theirs.Shape)
            return (null, scale);
        double error = 0;
        var a = ours.Span;
        var b = theirs.Span;
        for (int i = 0; i < a.Length; i++)
        {
            double d = Math.Abs((double)a[i] - b[i]);
            // NaN on one side only is a disagreement; NaN on both (say the log of a negative) is not.
            if (double.IsNaN(d))
                d = float.IsNaN(a[i]) && float.IsNaN(b[i]) ? 0 : double.PositiveInfinity;
            error = Math.Max(error, d);
        }
        return (error, scale);
    }

    public static bool Agrees(double? error, double scale) => error <= Tolerance * Math.Max(1, scale);

    /// <summary>
    /// The exported model with every blob's last value as an extra output (named after the blob,
    /// as the exporter names it), so that ONNX Runtime reports each layer's result.
    /// </summary>
    public static byte[] ExportObservingEveryBlob(NetGraph graph, NetWeights weights, OnnxExportOptions? options = null)
    {
        var model = OnnxExporter.Build(graph, weights, options ?? new OnnxExportOptions());
        var declared = model.Graph.Output.Select(o => o.Name).Concat(model.Graph.Input.Select(i => i.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var value in LastValues(graph).Where(v => !declared.Contains(v.Name)))
            model.Graph.Output.Add(GraphWriter.FloatInfo(value.Name, value.Shape.Dims));
        return model.ToByteArray();
    }

    /// <summary>
    /// Each blob's last value that a node writes (what Caffe's net.blobs shows after a forward),
    /// for the blobs that are not net inputs (a rewritten input's last value is "name#version").
    /// </summary>
    public static IEnumerable<Value> LastValues(NetGraph graph)
    {
        var inputs = graph.Inputs.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        return graph.Values.Where(v => !inputs.Contains(v.Name)).GroupBy(v => v.Name).Select(g => g.MaxBy(v => v.Version)!);
    }

    /// <summary>Our reference executor's copy of every blob's last value, by blob name.</summary>
    public static Dictionary<string, Tensor> RunReference(NetGraph graph, NetWeights weights, IReadOnlyDictionary<string, Tensor> inputs)
    {
        var last = LastValues(graph).ToHashSet();
        var blobs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var executor = new Executor(graph, weights, ExecutorOptions.Reference);
        executor.Forward(inputs, (node, outputs) =>
        {
            for (int i = 0; i < outputs.Count; i++)
                if (last.Contains(node.Outputs[i]))
                    blobs[node.Outputs[i].Name] = Tensor.From(outputs[i].Shape, outputs[i].Span);
        });
        return blobs;
    }
}
