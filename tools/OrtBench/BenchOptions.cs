namespace OrtBench;

/// <summary>The command line of ortbench; null from Parse means help was asked for.</summary>
public sealed record BenchOptions(string Model, int Batch, int Threads, int Iterations, int Warmup, int Seed,
    string? Input, string? Save, string? SaveDir, string? Profile)
{
    public static BenchOptions? Parse(string[] args)
    {
        string? model = null, input = null, save = null, saveDir = null, profile = null;
        int batch = 1, threads = 1, iterations = 50, warmup = 10, seed = 1;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "-h" or "--help": return null;
                case "--batch": batch = Positive(arg, Value(args, ref i)); break;
                case "--threads": threads = Positive(arg, Value(args, ref i)); break;
                case "--iterations": iterations = Positive(arg, Value(args, ref i)); break;
                case "--warmup": warmup = NonNegative(arg, Value(args, ref i)); break;
                case "--seed": seed = NonNegative(arg, Value(args, ref i)); break;
                case "--input": input = Value(args, ref i); break;
                case "--save": save = Value(args, ref i); break;
                case "--save-dir": saveDir = Value(args, ref i); break;
                case "--profile": profile = Value(args, ref i); break;
                default:
                    if (arg.StartsWith('-') || model is not null)
                        throw new ArgumentException($"unexpected argument {arg}; see --help");
                    model = arg;
                    break;
            }
        }
        return new BenchOptions(model ?? throw new ArgumentException("missing MODEL.onnx; see --help"),
            batch, threads, iterations, warmup, seed, input, save, saveDir, profile);
    }

    static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value");

    static int Positive(string name, string text) =>
        int.TryParse(text, out int n) && n > 0 ? n : throw new ArgumentException($"{name} wants a positive integer, got {text}");

    static int NonNegative(string name, string text) =>
        int.TryParse(text, out int n) && n >= 0 ? n : throw new ArgumentException($"{name} wants an integer >= 0, got {text}");
}
