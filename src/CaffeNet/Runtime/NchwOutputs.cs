using System.Collections;
using CaffeNet.Graph;
using CaffeNet.Graph.Passes;
using CaffeNet.Runtime.Layers;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Runtime;

/// <summary>
/// A step's outputs for an observer, in NCHW: a blocked output is reordered into a new tensor when
/// it is first read, so an observer that only times steps pays nothing for the reorder.
/// </summary>
sealed class NchwOutputs(Tensor[] outputs, Value[] values, ChannelLayout layout) : IReadOnlyList<Tensor>
{
    readonly Tensor?[] _copies = new Tensor?[outputs.Length];

    public int Count => outputs.Length;

    public Tensor this[int index]
    {
        get
        {
            var value = values[index];
            if (!layout.IsBlocked(value))
                return outputs[index];
            if (_copies[index] is { } copy)
                return copy;
            var d = value.Shape.Dims;
            var nchw = new Tensor(LayerFactory.ToTensorShape(value.Shape));
            BlockedReorder.ToNchw(outputs[index].Span, nchw.Span, d[0], d[1], d[2] * d[3], layout.Block);
            _copies[index] = nchw;
            return nchw;
        }
    }

    public IEnumerator<Tensor> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
            yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
