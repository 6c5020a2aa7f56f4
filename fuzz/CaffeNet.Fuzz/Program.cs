using CaffeNet;
using CaffeNet.Fuzz;
using SharpFuzz;

// caffenet-fuzz TARGET                       run under afl-fuzz (input on stdin)
// caffenet-fuzz replay TARGET FILE...        run saved inputs, print each outcome (exit 1 on a crash)
// caffenet-fuzz seeds TARGET DIR ROOT...     write seed inputs into DIR/seeds and the dictionary to DIR/dict
const string usage = "usage: CaffeNet.Fuzz TARGET | replay TARGET FILE... | seeds TARGET DIR ROOT...  (targets: "
    + "text, binary, graph, npy, forward)";

if (args.Length == 1 && FuzzTargets.Find(args[0]) is { } target)
{
    // Out of process: a hang or a stack overflow kills only the child, which the fork server
    // restarts, so afl-fuzz records it and goes on.
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        Outcome.Run(target, buffer.ToArray());
    });
    return 0;
}
if (args.Length >= 3 && args[0] == "replay" && FuzzTargets.Find(args[1]) is { } replayed)
    return Replay.Files(replayed, args[2..]);
if (args.Length >= 4 && args[0] == "seeds" && FuzzTargets.Find(args[1]) is { } seeded)
{
    SeedWriter.Write(seeded, args[2], args[3..]);
    return 0;
}
Console.Error.WriteLine(usage);
return 2;
