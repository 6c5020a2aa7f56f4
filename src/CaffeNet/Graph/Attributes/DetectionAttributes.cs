namespace CaffeNet.Graph;

/// <summary>
/// PriorBox (SSD's fork) as its setup resolves it. Sizes are in pixels. AspectRatios holds 1 first,
/// then each given ratio once (and its inverse with flip). ImageHeight/Width and StepHeight/Width
/// are 0 where they come from the bottoms at run time.
/// </summary>
public sealed record PriorBoxAttributes(IReadOnlyList<float> MinSizes, IReadOnlyList<float> MaxSizes, IReadOnlyList<float> AspectRatios,
    bool Clip, IReadOnlyList<float> Variances, int ImageHeight, int ImageWidth, float StepHeight, float StepWidth, float Offset)
    : LayerAttributes
{
    /// <summary>Boxes per feature-map cell: every ratio per min size, plus one per max size.</summary>
    public int PriorsPerCell => AspectRatios.Count * MinSizes.Count + MaxSizes.Count;
}

/// <summary>Normalize (SSD's fork): L2 norm per sample (AcrossSpatial) or per position over channels, then a learned scale.</summary>
public sealed record NormalizeAttributes(bool AcrossSpatial, bool ChannelShared, float Eps) : LayerAttributes;

/// <summary>How DetectionOutput's location predictions are encoded against a prior (PriorBoxParameter.CodeType).</summary>
public enum BoxCode
{
    Corner = 1,
    CenterSize = 2,
    CornerSize = 3,
}

/// <summary>
/// DetectionOutput (SSD's fork). BackgroundLabel -1 means none; TopK and KeepTopK -1 mean no limit;
/// the output's planned row count (<see cref="Rows"/>) is the most the layer can keep.
/// </summary>
public sealed record DetectionOutputAttributes(int Classes, bool ShareLocation, int BackgroundLabel, float NmsThreshold, float Eta,
    int TopK, int KeepTopK, float ConfidenceThreshold, BoxCode Code, bool VarianceEncodedInTarget, int Priors, int Rows) : LayerAttributes;
