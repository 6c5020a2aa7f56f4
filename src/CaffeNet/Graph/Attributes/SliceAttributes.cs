namespace CaffeNet.Graph;

/// <summary>Slice along Axis; Points are the slice points, expanded to equal parts when none were given.</summary>
public sealed record SliceAttributes(int Axis, IReadOnlyList<int> Points) : LayerAttributes;
