using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime;

namespace CaffeNet.Cli;

/// <summary>
/// The arguments and options several commands take, declared once, and the value checks they are
/// built from. Each call makes a new symbol for one command: a command holds it in a field, adds it
/// to itself and reads it in its action. A bad value is a usage error (exit 2) with one line that
/// names the option.
/// </summary>
static class SharedOptions
{
    public static Argument<string> Model(string description = "The net: a .prototxt, or a binary net (.caffemodel, .pb)") =>
        new("MODEL") { Description = description };

    public static Option<string> Weights(string description) =>
        new("--weights") { Description = description, HelpName = "FILE" };

    /// <summary>
    /// `--fill-missing`: layers the --weights file has no blobs for get them from the prototxt's
    /// fillers, a warning each; without it they are an error. Use with <see cref="OnlyWith"/>.
    /// </summary>
    public static Option<bool> FillMissing(string seedSource) => new("--fill-missing")
    {
        Description = "Layers the --weights file has no blobs for get random ones from the prototxt's fillers " +
            $"({seedSource}), with a warning each; without this option they are an error",
    };

    /// <summary>`--input NAME=FILE.npy`, repeatable.</summary>
    public static Option<string[]> InputFiles(string description) =>
        new("--input") { Description = description, HelpName = "NAME=FILE", DefaultValueFactory = _ => [] };

    /// <summary>`--input NAME=N,C,H,W`, repeatable: input shapes that override the net's.</summary>
    public static Option<Dictionary<string, Shape>> InputShapes(string description) => new("--input")
    {
        Description = description,
        HelpName = "NAME=N,C,H,W",
        Arity = ArgumentArity.OneOrMore,
        DefaultValueFactory = _ => new(StringComparer.Ordinal),
        CustomParser = r =>
        {
            try
            {
                return InputShapeOption.Parse([.. r.Tokens.Select(t => t.Value)]);
            }
            catch (CaffeNetException e)
            {
                r.AddError(e.Message);
                return null;
            }
        },
    };

    /// <summary>`--phase test|train`; absent, the net's own state decides.</summary>
    public static Option<Phase?> Phase()
    {
        var option = new Option<Phase?>("--phase")
        {
            Description = "Which layers to keep (default: the net's state, else test)",
            HelpName = "test|train",
            CustomParser = r =>
            {
                var value = r.Tokens[0].Value;
                switch (value.ToLowerInvariant())
                {
                    case "test": return Proto.Phase.Test;
                    case "train": return Proto.Phase.Train;
                }
                r.AddError($"--phase must be test or train, not {Excerpt.Name(value)}");
                return null;
            },
        };
        option.CompletionSources.Add("test", "train");
        return option;
    }

    public static Option<string[]> Stages() =>
        new("--stage") { Description = "Add a stage to the net state (repeatable)", HelpName = "NAME", DefaultValueFactory = _ => [] };

    /// <summary>`--threads N`: every command that runs a net uses all cores unless told otherwise.</summary>
    public static Option<int> Threads(string description) =>
        WholeNumber("--threads", description, min: 1, max: 1024, Environment.ProcessorCount);

    /// <summary>`--max-memory SIZE`: the process's budget in place of what the GC reports available.</summary>
    public static Option<MemoryBudget> MaxMemory() => new("--max-memory")
    {
        Description = "The most managed memory the process may use (512M, 2G, 1.5GiB: powers of 1024 as K, M, G, T or KiB, " +
            "MiB, GiB, TiB; a bare number is bytes), in place of what the GC reports available less what is in use " +
            "and a 5% margin. A net whose weights, activations, inputs and kernel scratch need more is refused before " +
            "they are allocated",
        HelpName = "SIZE",
        DefaultValueFactory = _ => MemoryBudget.Available,
        CustomParser = r =>
        {
            try
            {
                return MemoryBudget.AtMost(ByteSize.Parse(r.Tokens[0].Value), "--max-memory");
            }
            catch (CaffeNetException e)
            {
                r.AddError($"--max-memory: {e.Message}");
                return null;
            }
        },
    };

    public static Option<ulong> Seed(string description) => new("--seed")
    {
        Description = description,
        HelpName = "N",
        DefaultValueFactory = _ => 0,
        CustomParser = r =>
        {
            var value = r.Tokens[0].Value;
            if (ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed))
                return seed;
            r.AddError($"--seed must be a whole number, not {Excerpt.Name(value)}");
            return 0;
        },
    };

    /// <summary>`-o FILE`: the file a command writes.</summary>
    public static Option<string> Output(string description) =>
        new("-o") { Description = description, HelpName = "FILE" };

    public static Option<bool> Json(string description) => new("--json") { Description = description };

    /// <summary>`--lenient`: reading is strict, as protoc's, unless the user asks for this.</summary>
    public static Option<bool> Lenient() => new("--lenient")
    {
        Description = "Skip prototxt fields the schema does not know, with a warning each (a name within two edits of a known field is still an error)",
    };

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, <paramref name="fallback"/> when absent.</summary>
    public static Option<int> WholeNumber(string name, string description, int min, int max, int fallback) => new(name)
    {
        Description = description,
        HelpName = "N",
        DefaultValueFactory = _ => fallback,
        CustomParser = r => ParseWholeNumber(r, name, min, max) ?? fallback,
    };

    /// <summary>As <see cref="WholeNumber"/>, null when absent.</summary>
    public static Option<int?> OptionalWholeNumber(string name, string description, int min, int max) => new(name)
    {
        Description = description,
        HelpName = "N",
        CustomParser = r => ParseWholeNumber(r, name, min, max),
    };

    /// <summary>One of <paramref name="values"/>, the first when absent; the shell completes them.</summary>
    public static Option<string> OneOf(string name, string description, params string[] values)
    {
        var option = new Option<string>(name)
        {
            Description = description,
            HelpName = string.Join('|', values),
            DefaultValueFactory = _ => values[0],
        };
        option.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<string>();
            if (!values.Contains(value, StringComparer.Ordinal))
                r.AddError($"{name} must be {string.Join(", ", values[..^1])} or {values[^1]}, not {Excerpt.Name(value)}");
        });
        option.CompletionSources.Add(values);
        return option;
    }

    /// <summary>Makes <paramref name="option"/> required, with <paramref name="message"/> saying what it is for when it is missing.</summary>
    public static void Require(Command command, Option option, string message) =>
        command.Validators.Add(r =>
        {
            if (r.GetResult(option) is null)
                r.AddError(message);
        });

    /// <summary>Refuses flag <paramref name="flag"/> unless <paramref name="other"/> is given too.</summary>
    public static void OnlyWith(Command command, Option<bool> flag, Option other) =>
        command.Validators.Add(r =>
        {
            if (r.GetValue(flag) && r.GetResult(other) is null)
                r.AddError($"{flag.Name} applies to {other.Name}, which is not given");
        });

    static int? ParseWholeNumber(ArgumentResult r, string name, int min, int max)
    {
        var value = r.Tokens[0].Value;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max)
            return n;
        var range = max == int.MaxValue ? $"of at least {min}" : $"from {min} to {max}";
        r.AddError($"{name} must be a whole number {range}, not {Excerpt.Name(value)}");
        return null;
    }
}
