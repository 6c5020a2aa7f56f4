using System.Globalization;
using CaffeNet.Graph;

namespace CaffeNet.Cli;

/// <summary>`--input NAME=N,C,H,W` as `dump` and `bench` take it: an input's shape, overriding the net's.</summary>
static class InputShapeOption
{
    /// <summary>NAME=N,C,H,W (any number of dims). The name is everything before the last '='.</summary>
    public static Dictionary<string, Shape> Parse(IReadOnlyList<string> values)
    {
        var shapes = new Dictionary<string, Shape>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            int eq = value.LastIndexOf('=');
            if (eq <= 0)
                throw new CaffeNetException($"--input expects NAME=N,C,H,W, got {Excerpt.Name(value)}");
            var dims = new List<int>();
            foreach (var part in value[(eq + 1)..].Split(','))
            {
                if (!int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int d) || d <= 0)
                    throw new CaffeNetException($"--input {Excerpt.Plain(value)}: {Excerpt.Name(part)} is not a positive integer dimension");
                dims.Add(d);
            }
            shapes[value[..eq]] = new Shape(dims);
        }
        return shapes;
    }
}
