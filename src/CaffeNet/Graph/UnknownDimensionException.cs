namespace CaffeNet.Graph;

/// <summary>Thrown when code asks for the size of a dimension that is unknown (see <see cref="Shape.Partial"/>).</summary>
internal sealed class UnknownDimensionException(string message) : InvalidOperationException(message);
