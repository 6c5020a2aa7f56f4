using CaffeNet.Proto;

namespace CaffeNet.Graph;

/// <summary>Elementwise combination; Coefficients has one entry per input (all 1 unless given, SUM only).</summary>
public sealed record EltwiseAttributes(EltwiseParameter.Types.EltwiseOp Operation, IReadOnlyList<float> Coefficients) : LayerAttributes;
