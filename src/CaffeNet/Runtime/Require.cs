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

    /// <summary>A model-level condition: its message is for the user.</summary>
    public static void Model(bool condition, string message)
    {
        if (!condition)
            throw new CaffeNetException(message);
    }
}
