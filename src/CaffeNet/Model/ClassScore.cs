namespace CaffeNet;

/// <summary>One entry of <see cref="ModelOutput.TopK"/>: a position along the output (a class) and its value.</summary>
/// <param name="Index">The position within one image's values, 0-based.</param>
/// <param name="Score">The value there.</param>
public readonly record struct ClassScore(int Index, float Score);
