using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// Python, as a data layer (no bottoms): its Python code makes the tops, so they become graph
/// inputs whose shapes the user gives (--input NAME=N,C,H,W). A Python layer with bottoms
/// computes inside the net and stays unsupported (<see cref="LayerFactory.RequireSupported"/>).
/// </summary>
sealed class PythonDefinition : SourceDefinition
{
    public override string Type => "Python";

    public override IReadOnlyList<Shape?> Tops(LayerContext c)
    {
        c.Tops(1, int.MaxValue);
        return Enumerable.Repeat<Shape?>(null, c.TopCount).ToList();
    }

    /// <summary>"module.layer" from python_param, for messages.</summary>
    public static string Describe(Proto.LayerParameter layer) =>
        layer.PythonParam is { } p ? Excerpt.Plain($"{p.Module}.{p.Layer}") : "(no python_param)";
}
