using CaffeNet.Graph;
using CaffeNet.Onnx.Proto;
using CaffeNet.Runtime;

namespace CaffeNet.Export.Onnx;

/// <summary>
/// One Caffe node being written as ONNX: its values' ONNX names, its weights, and helpers that add
/// nodes and constants named after the layer ("conv1/W", "pool1/count").
/// </summary>
internal sealed class NodeExport(Node node, IReadOnlyList<Tensor> blobs, IReadOnlyList<string> inputs,
    IReadOnlyList<string> outputs, GraphWriter writer, int opset)
{
    public Node Node { get; } = node;

    /// <summary>The layer's blobs in Caffe's order, as <see cref="NetWeights"/> resolved them.</summary>
    public IReadOnlyList<Tensor> Blobs { get; } = blobs;

    /// <summary>ONNX names of the node's inputs and outputs, in Caffe's bottom and top order.</summary>
    public IReadOnlyList<string> Inputs { get; } = inputs;

    public IReadOnlyList<string> Outputs { get; } = outputs;

    public int Opset { get; } = opset;

    public string Input => Inputs[0];

    public string Output => Outputs[0];

    public IReadOnlyList<int> InputDims => Node.Inputs[0].Shape.Dims;

    public IReadOnlyList<int> OutputDims => Node.Outputs[0].Shape.Dims;

    public T Attributes<T>() where T : LayerAttributes =>
        Node.Attributes as T ?? throw new InvalidOperationException($"layer {Excerpt.Name(Node.Name)} has no {typeof(T).Name}");

    /// <summary>The error for a layer, or a setting of it, that ONNX cannot express.</summary>
    public CaffeNetException Error(string message) =>
        new($"{Excerpt.Layer(Node.Name, Node.Type)}: cannot be exported to ONNX: {message}");

    /// <summary>Adds a node writing <paramref name="output"/>.</summary>
    public void Op(string op, IEnumerable<string> inputs, string output, params IEnumerable<AttributeProto> attributes) =>
        writer.Node(op, Node.Name, inputs, [output], attributes);

    /// <summary>Adds a node writing several outputs.</summary>
    public void Op(string op, IEnumerable<string> inputs, IEnumerable<string> outputs, params IEnumerable<AttributeProto> attributes) =>
        writer.Node(op, Node.Name, inputs, outputs, attributes);

    /// <summary>A new value name for an intermediate result, named after the layer and <paramref name="what"/>.</summary>
    public string Name(string what) => writer.Fresh($"{Node.Name}/{what}");

    /// <summary>Adds a node writing a new intermediate value named after the layer and <paramref name="what"/>; returns that name.</summary>
    public string Step(string op, string what, IEnumerable<string> inputs, params IEnumerable<AttributeProto> attributes)
    {
        var output = Name(what);
        Op(op, inputs, output, attributes);
        return output;
    }

    /// <summary>Blob <paramref name="index"/> as a constant, in its own shape or reshaped to <paramref name="dims"/>.</summary>
    public string Blob(int index, string what, IReadOnlyList<long>? dims = null) =>
        Floats(what, dims ?? [.. Blobs[index].Shape.Dims.ToArray().Select(d => (long)d)], Blobs[index].Span);

    public string Floats(string what, IReadOnlyList<long> dims, ReadOnlySpan<float> values) =>
        writer.Floats($"{Node.Name}/{what}", dims, values);

    public string Scalar(string what, float value) => writer.Scalar($"{Node.Name}/{what}", value);

    public string Int64s(string what, params IReadOnlyList<long> values) => writer.Int64s($"{Node.Name}/{what}", values);

    public string Int64Scalar(string what, long value) => writer.Int64Scalar($"{Node.Name}/{what}", value);

    /// <summary><paramref name="x"/> reshaped to the static <paramref name="dims"/>, into <paramref name="output"/> or a new value.</summary>
    public string Reshape(string x, IEnumerable<int> dims, string? output = null)
    {
        var shape = Int64s("shape", [.. dims.Select(d => (long)d)]);
        if (output is null)
            return Step("Reshape", "reshape", [x, shape]);
        Op("Reshape", [x, shape], output);
        return output;
    }
}
