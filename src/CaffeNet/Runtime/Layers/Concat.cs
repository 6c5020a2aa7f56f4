using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// Concat: inputs equal on every axis but the concatenation axis, whose sizes add up. Axes
/// unknown in some inputs take their size from the others; the sum is unknown if a part is.
/// </summary>
sealed class ConcatDefinition : LayerDefinition
{
    public override string Type => "Concat";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new ConcatLayer(node);

    /// <summary>
    /// Along the channels of inputs whose channels fill whole blocks, a blocked concat copies each
    /// image's blocks as NCHW copies its channels, so the same kernel runs on the rounded tensors;
    /// other channel counts would need lanes shifted, and stay NCHW.
    /// </summary>
    public override BlockedRole Blocked(Node node, int block) =>
        node.Attributes is AxisAttributes { Axis: 1 } && node.Inputs.All(v => v.Shape is { IsComplete: true, Rank: 4 } s && s[1] % block == 0)
            ? BlockedRole.Through
            : BlockedRole.None;

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1, int.MaxValue);
        c.Tops(1);
        var p = c.Layer.ConcatParam ?? new ConcatParameter();
        var first = c.Input;
        int axis;
        if (p.HasConcatDim)
        {
            if (p.HasAxis) throw c.Error("give either axis or concat_dim, not both");
            axis = p.ConcatDim < (uint)first.Rank ? (int)p.ConcatDim : throw c.Error($"concat_dim {p.ConcatDim} is out of range for {first}");
        }
        else
        {
            axis = c.Axis(p.Axis, first);
        }
        long? total = 0;
        var dims = first.OptionalDims.Select(d => (long?)d).ToArray();
        for (int i = 0; i < c.Inputs.Count; i++)
        {
            var s = c.Inputs[i];
            bool fits = s.Rank == first.Rank && Enumerable.Range(0, s.Rank).All(j => j == axis || s.Dim(j) is not { } a || dims[j] is not { } b || a == b);
            if (!fits)
                throw c.Error($"bottom {i} ({Excerpt.Plain(c.Layer.Bottom[i])}: {s}) does not match bottom 0 ({first}) on the axes other than the concat axis {axis}");
            for (int j = 0; j < s.Rank; j++)
                dims[j] ??= s.Dim(j);
            total += s.Dim(axis);
        }
        dims[axis] = total;
        var output = c.Output(dims);
        return new LayerShapes([output]) { Attributes = new AxisAttributes(axis) };
    }
}

sealed class ConcatLayer(Node node) : ILayer
{
    readonly ConcatParams _p = new(LayerFactory.Attributes<AxisAttributes>(node).Axis);

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Concat.Forward(inputs, _p, outputs[0]);
}
