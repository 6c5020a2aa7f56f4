namespace CaffeNet.Runtime.Fillers;

/// <summary>Every value is <c>value</c> (default 0).</summary>
internal static class ConstantFiller
{
    public static void Fill(float value, Span<float> data) => data.Fill(value);
}
