namespace CaffeNet.Runtime.Kernels;

internal static class ShuffleChannel
{
    /// <summary>Output channel j * group + i is input channel i * (C / group) + j.</summary>
    public static void Forward(in Tensor input, int group, Tensor output)
    {
        Require.Shape(output, input.Shape, "ShuffleChannel output");
        int n = input.Shape[0], channels = input.Shape[1], plane = input.Count / Math.Max(1, n * channels);
        Require.Model(group > 0 && channels % group == 0, $"ShuffleChannel: group {group} does not divide {channels} channels");
        int columns = channels / group;
        var src = input.Span;
        var dst = output.Span;
        for (int b = 0; b < n; b++)
        {
            int item = b * channels * plane;
            for (int i = 0; i < group; i++)
                for (int j = 0; j < columns; j++)
                    src.Slice(item + (i * columns + j) * plane, plane).CopyTo(dst.Slice(item + (j * group + i) * plane, plane));
        }
    }
}
