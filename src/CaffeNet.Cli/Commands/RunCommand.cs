using System.Diagnostics;
using System.Globalization;
using CaffeNet.Cli.Run;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Npy;

namespace CaffeNet.Cli.Commands;

/// <summary>`caffenet run`: one forward pass of a net on .npy or seeded random inputs.</summary>
public sealed class RunCommand : ICommand
{
    public string Name => "run";

    public CommandSpec Spec { get; } = new(
        Summary: "run a net forward on .npy or random inputs and summarise its outputs",
        Usage: """
            usage: caffenet run MODEL.prototxt [options]

            Runs the net once with CaffeNet's own kernels and prints, per net output, its shape,
            min, max and mean, and the top 5 classes of a probability vector. Layers the weights
            file does not cover get weights from the prototxt's fillers (seeded by --seed).

              --weights FILE        a .caffemodel with the trained weights
              --input NAME=FILE     a float32/float64 C-order .npy for input NAME (repeatable); its
                                    shape must be the input's, or differ only in the batch size
              --random-input        uniform [-1, 1) values (labels: class numbers) for inputs not
                                    given by --input, from --seed
              --seed N              seed for random inputs and filler weights (default 0)
              --output DIR          write each net output as DIR/<blob>.npy
              --dump-all DIR        write every layer's output as DIR/<layer>.npy (several tops:
                                    <layer>.<top>.npy; characters outside [A-Za-z0-9._-] become _)
                                    and DIR/index.json listing them in execution order
              --threads N           threads each layer's work is split over (default: all cores)
              --no-fuse             run every layer as written on the reference kernels (as
                                    --dump-all does, so that every layer's output exists)
              --phase test|train    which layers to keep (default: the net's state, else test)

            Output files are written only after the whole forward pass has succeeded.
            """,
        MinPositional: 1,
        MaxPositional: 1,
        ValueOptions: ["--weights", "--input", "--seed", "--output", "--dump-all", "--threads", "--phase"],
        FlagOptions: ["--random-input", "--no-fuse"]);

    public int Run(Options options, TextWriter stdout, TextWriter stderr)
    {
        int threads = RuntimeThreads.Parse(options.Get("--threads"));
        ulong seed = NetSetup.ParseSeed(options.Get("--seed"));
        var output = CheckFolder(options.Get("--output"), "--output");
        var dumpAll = CheckFolder(options.Get("--dump-all"), "--dump-all");
        var setup = NetSetup.Load(options.Positional[0], options.Get("--weights"), NetSetup.ParsePhase(options.Get("--phase")),
            options.GetAll("--input"), options.Has("--random-input") ? seed : null,
            w => stderr.WriteLine($"caffenet run: warning: {w}"));

        var weights = NetWeights.Resolve(setup.Graph, seed);
        if (weights.Filled.Count > 0)
            stderr.WriteLine($"caffenet run: note: {weights.Filled.Count} layer(s) have no trained weights; " +
                $"filled from the prototxt's fillers with seed {seed}");
        // Fused layers have no outputs of their own, so a per-layer dump needs the plain path.
        var mode = dumpAll is not null || options.Has("--no-fuse")
            ? ExecutorOptions.Reference with { Threads = threads }
            : ExecutorOptions.Fast(threads);
        using var executor = new Executor(setup.Graph, weights, mode);

        var dump = dumpAll is null ? null : new LayerDump();
        var clock = Stopwatch.StartNew();
        var outputs = executor.Forward(setup.Inputs, dump is null ? null : dump.Observe);
        var elapsed = clock.Elapsed;

        foreach (var (name, value) in outputs)
            OutputSummary.Write(stdout, name, value);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"forward {elapsed.TotalMilliseconds:F1} ms, activations {executor.Memory.ArenaFloats * 4L / 1024.0 / 1024.0:F1} MiB"));

        if (output is not null)
        {
            Directory.CreateDirectory(output);
            foreach (var (name, value) in outputs)
                NpyFile.Write(Path.Combine(output, LayerDump.SafeName(name) + ".npy"), value);
            stdout.WriteLine($"wrote {outputs.Count} output(s) to {output}");
        }
        if (dump is not null && dumpAll is not null)
        {
            Directory.CreateDirectory(dumpAll);
            dump.WriteTo(dumpAll);
            stdout.WriteLine($"wrote every layer's output and index.json to {dumpAll}");
        }
        return App.Ok;
    }

    /// <summary>Refuses a path that is a file before any work is done; a missing folder is made later.</summary>
    static string? CheckFolder(string? path, string option)
    {
        if (path is not null && File.Exists(path))
            throw new CaffeNetException($"{option} {path}: is a file, not a folder");
        return path;
    }
}
