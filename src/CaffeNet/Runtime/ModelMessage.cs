using System.Runtime.CompilerServices;

namespace CaffeNet.Runtime;

/// <summary>
/// The message of <see cref="Require.Model(bool, ref ModelMessage)"/>: formatted only when the
/// condition fails, so a check that passes allocates nothing (kernels run it on every forward).
/// </summary>
[InterpolatedStringHandler]
ref struct ModelMessage
{
    DefaultInterpolatedStringHandler _text;

    public ModelMessage(int literalLength, int formattedCount, bool condition, out bool format)
    {
        format = !condition;
        _text = format ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
    }

    public void AppendLiteral(string value) => _text.AppendLiteral(value);

    public void AppendFormatted<T>(T value) => _text.AppendFormatted(value);

    public void AppendFormatted<T>(T value, string? format) => _text.AppendFormatted(value, format);

    public string ToStringAndClear() => _text.ToStringAndClear();
}
