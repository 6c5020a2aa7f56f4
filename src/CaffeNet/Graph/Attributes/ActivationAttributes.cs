namespace CaffeNet.Graph;

/// <summary>ReLU with an optional leak.</summary>
public sealed record ReLUAttributes(float NegativeSlope) : LayerAttributes;

/// <summary>Clamp to [Min, Max]: Clip, and ReLU6 as Clip(0, 6).</summary>
public sealed record ClipAttributes(float Min, float Max) : LayerAttributes;

/// <summary>PReLU: one learned slope per channel, or one for all.</summary>
public sealed record PReLUAttributes(bool ChannelShared) : LayerAttributes;

/// <summary>ELU: x if x > 0, else Alpha * (exp(x) - 1).</summary>
public sealed record ELUAttributes(float Alpha) : LayerAttributes;

/// <summary>Swish: x * sigmoid(Beta * x).</summary>
public sealed record SwishAttributes(float Beta) : LayerAttributes;

/// <summary>Threshold: 1 if x > Threshold, else 0.</summary>
public sealed record ThresholdAttributes(float Threshold) : LayerAttributes;

/// <summary>Power: (Shift + Scale * x) ^ Power.</summary>
public sealed record PowerAttributes(float Power, float Scale, float Shift) : LayerAttributes;

/// <summary>Exp: Base ^ (Shift + Scale * x), Log: log_Base(Shift + Scale * x); Base -1 means e.</summary>
public sealed record ExpLogAttributes(float Base, float Scale, float Shift) : LayerAttributes;

/// <summary>Dropout: identity at TEST; at TRAIN drops with Ratio and scales by 1 / (1 - Ratio).</summary>
public sealed record DropoutAttributes(float Ratio) : LayerAttributes;
