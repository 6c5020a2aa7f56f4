using System.Runtime.CompilerServices;

namespace CaffeNet.Runtime;

/// <summary>
/// Argument checks shared by the kernels. A kernel handed tensors of the wrong size is a bug in
/// the caller (the executor sizes everything from the shape functions first), so these throw
/// ArgumentException; problems with a model's parameters throw CaffeNetException from the shape
/// functions instead.
/// </summary>
static class Require
{
    public static void Shape(in Tensor tensor, TensorShape expected, string what)
    {
        if (tensor.Shape != expected)
            throw new ArgumentException($"{what} has shape {tensor.Shape}, expected {expected}");
    }

    public static void Length(ReadOnlySpan<float> span, int expected, string what)
    {
        if (span.Length != expected)
            throw new ArgumentException($"{what} has {span.Length} values, expected {expected}");
    }

    /// <summary>
    /// Refuses a graph built for inspection only, whose dimensions are partly unknown
    /// (<see cref="Graph.GraphOptions.AllowUnknownDims"/>): nothing can be sized for it.
    /// </summary>
    public static void Runnable(Graph.NetGraph graph)
    {
        if (!graph.HasUnknownDims) return;
        var input = graph.Inputs.FirstOrDefault(v => v.Shape.IsKnown && !v.Shape.IsComplete);
        throw new CaffeNetException(input is null
            ? $"net {Excerpt.Name(graph.Name)}: some blob shapes are unknown, so it cannot run; give the input shapes with --input NAME=N,C,H,W"
            : $"net {Excerpt.Name(graph.Name)}: the shape of input {Excerpt.Name(input.Name)} is {input.Shape}, not fully known, so it cannot run; give it with --input {Excerpt.Plain(input.Name)}=N,C,H,W");
    }

    /// <summary>A model-level condition: its message is for the user.</summary>
    public static void Model(bool condition, string message)
    {
        if (!condition)
            throw new CaffeNetException(message);
    }

    /// <summary>The same with an interpolated message, formatted only when the condition fails.</summary>
    public static void Model(bool condition, [InterpolatedStringHandlerArgument(nameof(condition))] ref ModelMessage message)
    {
        if (!condition)
            throw new CaffeNetException(message.ToStringAndClear());
    }
}
