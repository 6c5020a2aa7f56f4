namespace CaffeNet.Import.Text;

enum TokenKind : byte
{
    End,
    Identifier,
    Integer,
    Float,
    String,
    Symbol,
}

/// <summary>A token as a slice of the source text; line and column are 1-based.</summary>
readonly record struct Token(TokenKind Kind, int Start, int Length, int Line, int Column)
{
    public int End => Start + Length;
}
