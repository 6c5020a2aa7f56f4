namespace CaffeNet.Runtime.Simd;

/// <summary>
/// The activation fused into a kernel's epilogue: clamp(x, Min, Max). None is (-inf, +inf), ReLU is
/// (0, +inf), ReLU6 is (0, 6). The default value is None, so an omitted argument applies nothing.
/// </summary>
internal readonly struct Activation : IEquatable<Activation>
{
    readonly float _min;
    readonly float _max;
    readonly bool _set;

    Activation(float min, float max)
    {
        if (!(min <= max))
            throw new ArgumentException($"activation clamp needs min <= max, got [{min}, {max}]");
        _min = min;
        _max = max;
        _set = true;
    }

    public static Activation None => default;

    public static Activation Relu => new(0f, float.PositiveInfinity);

    public static Activation Clamp(float min, float max) => new(min, max);

    public float Min => _set ? _min : float.NegativeInfinity;

    public float Max => _set ? _max : float.PositiveInfinity;

    public bool IsNone => Min == float.NegativeInfinity && Max == float.PositiveInfinity;

    public float Apply(float x) => MathF.Min(MathF.Max(x, Min), Max);

    public bool Equals(Activation other) => Min == other.Min && Max == other.Max;

    public override bool Equals(object? obj) => obj is Activation a && Equals(a);

    public override int GetHashCode() => HashCode.Combine(Min, Max);

    public override string ToString() => IsNone ? "None" : $"Clamp({Min}, {Max})";
}
