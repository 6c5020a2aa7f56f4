using System.Buffers.Binary;
using CaffeNet.Onnx.Proto;
using Google.Protobuf;

namespace CaffeNet.Export.Onnx;

/// <summary>
/// Builds an ONNX graph: nodes, constant tensors (initializers) and value names, each name used
/// once. Names asked for are kept when free; otherwise a numbered suffix makes them unique.
/// </summary>
internal sealed class GraphWriter
{
    readonly HashSet<string> _values = new(StringComparer.Ordinal);
    readonly HashSet<string> _nodes = new(StringComparer.Ordinal);

    public GraphProto Graph { get; } = new();

    /// <summary>A value name not used before, <paramref name="wanted"/> itself if it is free.</summary>
    public string Fresh(string wanted) => Unique(_values, wanted);

    /// <summary>Adds a node; its name is made unique as value names are.</summary>
    public void Node(string op, string name, IEnumerable<string> inputs, IEnumerable<string> outputs,
        params IEnumerable<AttributeProto> attributes)
    {
        var node = new NodeProto { OpType = op, Name = Unique(_nodes, name) };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
    }

    /// <summary>A float tensor of <paramref name="dims"/> holding <paramref name="values"/>; returns its name.</summary>
    public string Floats(string wanted, IReadOnlyList<long> dims, ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        return Initializer(wanted, dims, TensorProto.Types.DataType.Float, bytes);
    }

    /// <summary>A float scalar (rank 0).</summary>
    public string Scalar(string wanted, float value) => Floats(wanted, [], [value]);

    /// <summary>A 1-D int64 tensor, the form shapes, axes and sizes take as operator inputs.</summary>
    public string Int64s(string wanted, params IReadOnlyList<long> values)
    {
        var bytes = new byte[values.Count * sizeof(long)];
        for (int i = 0; i < values.Count; i++)
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), values[i]);
        return Initializer(wanted, [values.Count], TensorProto.Types.DataType.Int64, bytes);
    }

    /// <summary>An int64 scalar (rank 0).</summary>
    public string Int64Scalar(string wanted, long value)
    {
        var bytes = new byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return Initializer(wanted, [], TensorProto.Types.DataType.Int64, bytes);
    }

    string Initializer(string wanted, IReadOnlyList<long> dims, TensorProto.Types.DataType type, byte[] bytes)
    {
        var tensor = new TensorProto { Name = Fresh(wanted), DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A float tensor's name, type and static shape, as graph inputs and outputs declare them.</summary>
    public static ValueInfoProto FloatInfo(string name, IEnumerable<int> dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    static string Unique(HashSet<string> used, string wanted)
    {
        var name = wanted;
        for (int k = 1; !used.Add(name); k++)
            name = $"{wanted}_{k}";
        return name;
    }
}
