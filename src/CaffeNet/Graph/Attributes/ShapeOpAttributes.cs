namespace CaffeNet.Graph;

/// <summary>Flatten axes [Axis, EndAxis] (both canonical, inclusive) into one.</summary>
public sealed record FlattenAttributes(int Axis, int EndAxis) : LayerAttributes;

/// <summary>Crop the first input to the second's size on axes from Axis on; Offsets has one entry per cropped axis.</summary>
public sealed record CropAttributes(int Axis, IReadOnlyList<int> Offsets) : LayerAttributes;

/// <summary>Permute axes: output axis i is input axis Order[i]. Order covers every axis.</summary>
public sealed record PermuteAttributes(IReadOnlyList<int> Order) : LayerAttributes;

/// <summary>ArgMax over Axis (canonical), or over each item's flattened features when Axis is null.</summary>
public sealed record ArgMaxAttributes(bool OutMaxVal, int TopK, int? Axis) : LayerAttributes;

/// <summary>Accuracy: top-K over the label axis.</summary>
public sealed record AccuracyAttributes(int TopK, int Axis, int? IgnoreLabel) : LayerAttributes;
