namespace CaffeNet.Import;

/// <summary>
/// A file that is not valid Caffe input. The message starts with where: `FILE:LINE:COL:` for text,
/// `FILE: byte OFFSET:` for binary, so editors and terminals can jump to the spot.
/// </summary>
public sealed class CaffeFormatException : CaffeNetException
{
    internal CaffeFormatException(string message) : base(message) { }

    internal static CaffeFormatException AtText(string file, int line, int column, string message) =>
        new($"{file}:{line}:{column}: {message}");

    internal static CaffeFormatException AtByte(string file, long offset, string message) =>
        new($"{file}: byte {offset}: {message}");
}
