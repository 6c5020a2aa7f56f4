namespace CaffeNet;

/// <summary>A named input, output or kept blob of a model, with its shape.</summary>
/// <param name="Name">The blob's name in the prototxt (a layer's name for a kept in-place step).</param>
/// <param name="Shape">Its dimensions, outermost first (N, C, H, W for images).</param>
public sealed record TensorInfo(string Name, Shape Shape)
{
    /// <summary>"data 1x3x224x224".</summary>
    public override string ToString() => $"{Name} {Shape}";
}
