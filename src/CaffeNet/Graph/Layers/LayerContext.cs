using CaffeNet.Proto;

namespace CaffeNet.Graph;

/// <summary>One layer being shaped: its parameters, its input shapes, and helpers for checks and errors.</summary>
internal sealed class LayerContext(LayerParameter layer, IReadOnlyList<Shape> inputs, Phase phase)
{
    public LayerParameter Layer { get; } = layer;

    public IReadOnlyList<Shape> Inputs { get; } = inputs;

    public Phase Phase { get; } = phase;

    public Shape Input => Inputs[0];

    public int TopCount => Layer.Top.Count;

    /// <summary>An error that names this layer and its type.</summary>
    public CaffeNetException Error(string message) => new($"{Excerpt.Layer(Layer.Name, Layer.Type)}: {message}");

    public void Bottoms(int min, int max)
    {
        if (Inputs.Count < min || Inputs.Count > max)
            throw Error($"takes {Range(min, max)} bottom blob(s), got {Inputs.Count}");
    }

    public void Bottoms(int exact) => Bottoms(exact, exact);

    public void Tops(int min, int max)
    {
        if (TopCount < min || TopCount > max)
            throw Error($"takes {Range(min, max)} top blob(s), got {TopCount}");
    }

    public void Tops(int exact) => Tops(exact, exact);

    /// <summary>For layers Caffe refuses to run in place (they share or reshape their input).</summary>
    public void NotInPlace()
    {
        for (int i = 0; i < Math.Min(Layer.Top.Count, Layer.Bottom.Count); i++)
            if (Layer.Top[i] == Layer.Bottom[i])
                throw Error($"cannot work in place (top {Excerpt.Name(Layer.Top[i])} is also its bottom)");
    }

    /// <summary>Caffe's CanonicalAxisIndex with the error named after the field.</summary>
    public int Axis(int axis, Shape shape, string field = "axis")
    {
        int a = shape.CanonicalAxis(axis);
        if (a < 0)
            throw Error($"{field} {axis} is out of range for a {shape.Rank}-axis input ({shape})");
        return a;
    }

    public void Rank(Shape shape, int rank, string what)
    {
        if (shape.Rank != rank)
            throw Error($"needs a {rank}-axis {what}, got {shape}");
    }

    /// <summary>A checked output shape: every dimension positive and the element count within Caffe's int limit.</summary>
    public Shape Output(IEnumerable<long> dims)
    {
        var list = dims.ToList();
        for (int i = 0; i < list.Count; i++)
            if (list[i] <= 0 || list[i] > int.MaxValue)
                throw Error($"output dimension {i} would be {list[i]} (shape {string.Join('x', list)})");
        long count = 1;
        foreach (var d in list)
        {
            count *= d;
            if (count > int.MaxValue)
                throw Error($"output shape {string.Join('x', list)} has more than {int.MaxValue} elements");
        }
        return new Shape(list.Select(d => (int)d));
    }

    public Shape Output(params long[] dims) => Output((IEnumerable<long>)dims);

    /// <summary>
    /// An output shape whose null dimensions are unknown; the known ones are checked as in
    /// <see cref="Output(IEnumerable{long})"/>. With none unknown it is that shape.
    /// </summary>
    public Shape Output(IEnumerable<long?> dims)
    {
        var list = dims.ToList();
        if (list.All(d => d.HasValue)) return Output(list.Select(d => d!.Value));
        for (int i = 0; i < list.Count; i++)
            if (list[i] is { } d && (d <= 0 || d > int.MaxValue))
                throw Error($"output dimension {i} would be {d} (shape {Describe(list)})");
        return Shape.Partial(list.Select(d => (int?)d));
    }

    public Shape Output(params long?[] dims) => Output((IEnumerable<long?>)dims);

    static string Describe(IEnumerable<long?> dims) => string.Join('x', dims.Select(d => d?.ToString() ?? "?"));

    static string Range(int min, int max) =>
        min == max ? $"{min}" : max == int.MaxValue ? $"at least {min}" : $"{min} to {max}";
}
