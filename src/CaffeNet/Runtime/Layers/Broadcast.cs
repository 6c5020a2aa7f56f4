using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>How Scale and Bias fit their factor onto the input: it covers axes [axis, axis + its rank).</summary>
static class Broadcast
{
    /// <summary>
    /// The canonical axis and the factor's shape: bottom 1 when given, else the input's axes
    /// [axis, axis + numAxes) (to the end for -1). A scalar factor uses axis 0, as Caffe does.
    /// </summary>
    public static (int Axis, Shape Factor) Resolve(LayerContext c, int axis, int numAxes, string what)
    {
        var input = c.Input;
        Shape factor;
        if (c.Inputs.Count == 2)
        {
            factor = c.Inputs[1];
        }
        else
        {
            int start = c.Axis(axis, input);
            if (numAxes < -1)
                throw c.Error($"num_axes must be >= 0, or -1 for all, got {numAxes}");
            int end = numAxes == -1 ? input.Rank : start + numAxes;
            if (end > input.Rank)
                throw c.Error($"the {what} blob would span axes {start}..{end - 1}, past the input's {input.Rank} axes ({input})");
            factor = Shape.Partial(input.OptionalDims.Skip(start).Take(end - start));
        }
        if (factor.Rank == 0) return (0, factor);
        int at = c.Axis(axis, input);
        if (at + factor.Rank > input.Rank)
            throw c.Error($"the {what} blob {factor} starting at axis {at} goes past the input {input}");
        for (int i = 0; i < factor.Rank; i++)
            if (factor.Dim(i) is { } f && input.Dim(at + i) is { } d && f != d)
                throw c.Error($"the {what} blob {factor} does not match the input {input} at axis {at + i}");
        return (at, factor);
    }
}
