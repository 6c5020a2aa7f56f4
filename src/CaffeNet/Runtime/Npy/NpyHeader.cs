using CaffeNet.Import;

namespace CaffeNet.Runtime.Npy;

/// <summary>
/// The header of an .npy file: a Python dict literal with exactly the keys 'descr' (a dtype
/// string), 'fortran_order' (True/False) and 'shape' (a tuple of ints). Only the float32 and
/// float64 dtypes in C order are accepted.
/// </summary>
sealed class NpyHeader
{
    public required string Descr { get; init; }
    public required int[] Shape { get; init; }
    public required int ItemSize { get; init; }
    public required bool BigEndian { get; init; }
    public required long ElementCount { get; init; }

    /// <summary><paramref name="offset"/> is where the header text starts in the file, for messages.</summary>
    public static NpyHeader Parse(string text, string file, int offset)
    {
        var parser = new Parser(text, file, offset);
        var fields = parser.ParseDict();
        foreach (var key in new[] { "descr", "fortran_order", "shape" })
        {
            if (!fields.ContainsKey(key))
                throw CaffeFormatException.AtByte(file, offset, $"header has no {Excerpt.Name(key)} (expected keys 'descr', 'fortran_order', 'shape')");
        }
        if (fields["descr"].Value is not string descr)
            throw parser.Error(fields["descr"].At, "'descr' must be a string such as '<f4'");
        if (fields["fortran_order"].Value is not bool fortran)
            throw parser.Error(fields["fortran_order"].At, "'fortran_order' must be True or False");
        if (fields["shape"].Value is not List<long> dims)
            throw parser.Error(fields["shape"].At, "'shape' must be a tuple of integers");

        var (itemSize, bigEndian) = descr switch
        {
            "<f4" or "=f4" => (4, false),
            ">f4" => (4, true),
            "<f8" or "=f8" => (8, false),
            ">f8" => (8, true),
            _ => throw parser.Error(fields["descr"].At, $"dtype {Excerpt.Name(descr)} is not supported (expected float32 '<f4' or float64 '<f8')"),
        };
        if (fortran && dims.Count(d => d != 1) > 1)
            throw parser.Error(fields["fortran_order"].At, "Fortran-order arrays are not supported (save the array in C order)");
        long count = 1;
        foreach (var d in dims)
        {
            if (d < 0 || d > int.MaxValue)
                throw parser.Error(fields["shape"].At, $"shape dimension {d} is out of range");
            count *= d;
            if (count > int.MaxValue)
                throw parser.Error(fields["shape"].At, $"shape ({string.Join(", ", dims)}) has more than {int.MaxValue} elements");
        }
        return new NpyHeader
        {
            Descr = descr,
            Shape = dims.Select(d => (int)d).ToArray(),
            ItemSize = itemSize,
            BigEndian = bigEndian,
            ElementCount = count,
        };
    }

    readonly record struct Field(object Value, int At);

    /// <summary>Just enough of Python's literal syntax for numpy's header dict.</summary>
    sealed class Parser(string text, string file, int offset)
    {
        int _pos;

        public CaffeFormatException Error(int at, string message) => CaffeFormatException.AtByte(file, offset + at, message);

        public Dictionary<string, Field> ParseDict()
        {
            var fields = new Dictionary<string, Field>();
            Expect('{');
            while (true)
            {
                SkipSpace();
                if (Peek() == '}')
                    break;
                int keyAt = _pos;
                if (ParseValue() is not string key)
                    throw Error(keyAt, "header keys must be strings");
                Expect(':');
                SkipSpace();
                int valueAt = _pos;
                var value = ParseValue();
                if (!fields.TryAdd(key, new Field(value, valueAt)))
                    throw Error(keyAt, $"header repeats the key {Excerpt.Name(key)}");
                if (key is not ("descr" or "fortran_order" or "shape"))
                    throw Error(keyAt, $"unexpected header key {Excerpt.Name(key)} (expected 'descr', 'fortran_order', 'shape')");
                SkipSpace();
                if (Peek() == ',')
                    _pos++;
                else if (Peek() != '}')
                    throw Error(_pos, "expected ',' or '}' in the header dict");
            }
            _pos++;
            SkipSpace();
            if (_pos != text.Length)
                throw Error(_pos, "unexpected text after the header dict");
            return fields;
        }

        object ParseValue()
        {
            SkipSpace();
            char c = Peek();
            if (c is '\'' or '"')
            {
                int end = text.IndexOf(c, _pos + 1);
                if (end < 0)
                    throw Error(_pos, "unterminated string in the header");
                var s = text[(_pos + 1)..end];
                _pos = end + 1;
                return s;
            }
            if (c == '(')
                return ParseTuple();
            foreach (var (word, value) in new[] { ("True", true), ("False", false) })
            {
                if (string.CompareOrdinal(text, _pos, word, 0, word.Length) == 0)
                {
                    _pos += word.Length;
                    return value;
                }
            }
            throw Error(_pos, "expected a string, a tuple, True or False in the header");
        }

        List<long> ParseTuple()
        {
            var items = new List<long>();
            Expect('(');
            while (true)
            {
                SkipSpace();
                if (Peek() == ')')
                    break;
                int start = _pos;
                while (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
                    _pos++;
                if (_pos == start || _pos - start > 12)
                    throw Error(start, "expected a non-negative integer in the shape tuple");
                items.Add(long.Parse(text.AsSpan(start, _pos - start)));
                if (Peek() == 'L')
                    _pos++; // Python 2 long literal
                SkipSpace();
                if (Peek() == ',')
                    _pos++;
                else if (Peek() != ')')
                    throw Error(_pos, "expected ',' or ')' in the shape tuple");
            }
            _pos++;
            return items;
        }

        void Expect(char c)
        {
            SkipSpace();
            if (Peek() != c)
                throw Error(_pos, $"expected '{c}' in the header");
            _pos++;
        }

        char Peek() => _pos < text.Length ? text[_pos] : '\0';

        void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
                _pos++;
        }
    }
}
