using CaffeNet.Cli.Run;
using CaffeNet.Import.Binary;
using CaffeNet.Runtime;

namespace CaffeNet.Cli.Commands;

/// <summary>`caffenet init`: a caffemodel of filler-initialised (optionally calibrated) weights.</summary>
public sealed class InitCommand : ICommand
{
    public string Name => "init";

    public CommandSpec Spec { get; } = new(
        Summary: "write filler-initialised weights for a net as a caffemodel",
        Usage: """
            usage: caffenet init MODEL.prototxt -o WEIGHTS.caffemodel [options]

            Creates every learnable blob from the prototxt's fillers, as Caffe does when it builds
            a net, and writes them as a V2 caffemodel that Caffe and OpenCV load.

              -o FILE               the caffemodel to write (replaced only on success)
              --seed N              seed for the fillers (default 0)
              --phase test|train    which layers to keep (default: the net's state, else test)
              --calibrate           set every BatchNorm's mean and variance (scale factor 1) to
                                    what it sees on one input, so activations stay moderate
              --input NAME=FILE     the .npy input for --calibrate (repeatable); inputs not given
                                    get seeded uniform [-1, 1) values from --seed
            """,
        MinPositional: 1,
        MaxPositional: 1,
        ValueOptions: ["-o", "--seed", "--phase", "--input"],
        FlagOptions: ["--calibrate"]);

    public int Run(Options options, TextWriter stdout, TextWriter stderr)
    {
        var output = options.Get("-o") ?? throw new CaffeNetException("-o WEIGHTS.caffemodel is required");
        ulong seed = NetSetup.ParseSeed(options.Get("--seed"));
        bool calibrate = options.Has("--calibrate");
        if (!calibrate && options.GetAll("--input").Count > 0)
            throw new CaffeNetException("--input is used only with --calibrate");
        var setup = NetSetup.Load(options.Positional[0], null, NetSetup.ParsePhase(options.Get("--phase")),
            options.GetAll("--input"), seed, w => stderr.WriteLine($"caffenet init: warning: {w}"));

        var executor = new Executor(setup.Graph, NetWeights.Resolve(setup.Graph, seed));
        if (calibrate)
            BatchNormCalibration.Calibrate(executor, setup.Inputs);
        BinaryFormat.Write(executor.Weights.ToNetParameter(setup.Graph), output);
        int blobs = setup.Graph.Nodes.Sum(n => n.ParamShapes.Count);
        stdout.WriteLine($"wrote {output}: {blobs} blob(s) in {setup.Graph.Nodes.Count(n => n.ParamShapes.Count > 0)} layer(s), " +
            $"seed {seed}{(calibrate ? ", BatchNorm calibrated" : "")}");
        return App.Ok;
    }
}
