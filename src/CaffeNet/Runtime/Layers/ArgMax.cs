using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// ArgMax: with an axis, that axis becomes top_k; without, the output is N x (1 or 2) x top_k
/// (the second row holding the max values when out_max_val), padded to at least 3 axes.
/// </summary>
sealed class ArgMaxDefinition : LayerDefinition
{
    public override string Type => "ArgMax";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new ArgMaxLayer(node);

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1);
        c.Tops(1);
        var p = c.Layer.ArgmaxParam ?? new ArgMaxParameter();
        var input = c.Input;
        if (p.TopK < 1) throw c.Error("top_k must be at least 1");
        long k = p.TopK;
        Shape output;
        int? axis = null;
        if (p.HasAxis)
        {
            int a = c.Axis(p.Axis, input);
            if (k > input.Dim(a)) throw c.Error($"top_k {k} is larger than axis {a} of {input}");
            output = c.Output(input.OptionalDims.Select((d, i) => i == a ? k : (long?)d));
            axis = a;
        }
        else
        {
            if (input.Rank == 0) throw c.Error("needs an input with at least one axis");
            if (k > input.CountFromIfKnown(1)) throw c.Error($"top_k {k} is larger than the {input.CountFrom(1)} values per item");
            var dims = Enumerable.Repeat<long?>(1L, Math.Max(input.Rank, 3)).ToArray();
            dims[0] = input.Dim(0);
            dims[1] = p.OutMaxVal ? 2 : 1;
            dims[2] = k;
            output = c.Output(dims);
        }
        return new LayerShapes([output])
        {
            Attributes = new ArgMaxAttributes(p.OutMaxVal, (int)k, axis),
            ElementwiseOps = input.CountIfKnown,
        };
    }
}

sealed class ArgMaxLayer(Node node) : ILayer
{
    readonly ArgMaxParams _p = Params(LayerFactory.Attributes<ArgMaxAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.ArgMax.Forward(inputs[0], _p, outputs[0]);

    static ArgMaxParams Params(ArgMaxAttributes a) => new(a.OutMaxVal, a.TopK, a.Axis);
}
