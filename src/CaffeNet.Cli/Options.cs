using System.Globalization;

namespace CaffeNet.Cli;

/// <summary>A parsed command line: positional arguments, valued options (repeatable), flags.</summary>
public sealed class Options
{
    readonly Dictionary<string, List<string>> values = new(StringComparer.Ordinal);
    readonly HashSet<string> flags = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public bool Help { get; private set; }

    public static Options Parse(ReadOnlySpan<string> args, CommandSpec spec)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (a is "-h" or "--help")
            {
                o.Help = true;
                return o;
            }
            if (!a.StartsWith('-') || a == "-")
            {
                o.Positional.Add(a);
                continue;
            }
            string name = a, value = "";
            int eq = a.IndexOf('=');
            if (eq > 0)
            {
                name = a[..eq];
                value = a[(eq + 1)..];
            }
            if (spec.FlagOptions.Contains(name) && eq < 0)
            {
                o.flags.Add(name);
            }
            else if (spec.ValueOptions.Contains(name))
            {
                if (eq < 0)
                {
                    if (i + 1 >= args.Length)
                        throw new CaffeNetException($"option {name} needs a value");
                    value = args[++i];
                }
                if (!o.values.TryGetValue(name, out var list))
                    o.values[name] = list = [];
                list.Add(value);
            }
            else
            {
                throw new CaffeNetException($"unknown option '{name}'. See --help.");
            }
        }
        if (o.Positional.Count < spec.MinPositional || o.Positional.Count > spec.MaxPositional)
            throw new CaffeNetException($"wrong number of arguments.\n{spec.Usage}");
        return o;
    }

    public bool Has(string flag) => flags.Contains(flag);

    public string? Get(string name) => values.TryGetValue(name, out var l) ? l[^1] : null;

    public IReadOnlyList<string> GetAll(string name) => values.TryGetValue(name, out var l) ? l : [];

    public int GetInt(string name, int fallback)
    {
        var s = Get(name);
        if (s is null) return fallback;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
            throw new CaffeNetException($"option {name} expects an integer, got '{s}'");
        return v;
    }
}
