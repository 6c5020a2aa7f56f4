namespace CaffeNet.Fuzz;

/// <summary>One thing to fuzz: what it does with an input, where its seeds come from, and the
/// tokens worth giving afl-fuzz as a dictionary.</summary>
interface IFuzzTarget
{
    string Name { get; }

    /// <summary>Runs one input. Returning or throwing <see cref="CaffeNetException"/> is a pass;
    /// any other exception (or a hang) is a finding.</summary>
    void Run(byte[] input);

    /// <summary>Seed inputs made from the model files under the given folders.</summary>
    IEnumerable<(string Name, byte[] Data)> Seeds(SeedFiles files);

    IEnumerable<string> Dictionary { get; }
}

static class FuzzTargets
{
    public static readonly IFuzzTarget[] All =
        [new TextTarget(), new BinaryTarget(), new GraphTarget(), new NpyTarget(), new ForwardTarget()];

    public static IFuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}

/// <summary>A broken property of an input the library accepted (a round trip that changes it,
/// a validator that lets through what the parser refuses). Never a CaffeNetException, so
/// afl-fuzz counts it as a crash.</summary>
sealed class FuzzFinding(string message) : Exception(message);

static class Outcome
{
    public static void Run(IFuzzTarget target, byte[] input)
    {
        try
        {
            target.Run(input);
        }
        catch (CaffeNetException)
        {
            // The library refused the input with its own clear error: the outcome we want.
        }
    }
}
