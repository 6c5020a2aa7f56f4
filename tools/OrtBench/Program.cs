using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace OrtBench;

/// <summary>
/// Times an ONNX model in ONNX Runtime the way `caffenet bench` times ours: all graph optimisations,
/// a fixed intra-op thread count, sequential execution, warm-up then timed forwards, JSON out.
/// </summary>
public static class Program
{
    const string Usage = """
        Usage: ortbench MODEL.onnx [--batch N] [--threads N] [--iterations N] [--warmup N]
                                   [--seed N] [--input IN.npy] [--save OUT.npy] [--save-dir DIR]
                                   [--profile OUT.json]

        Prints {"engine":"onnxruntime","model","batch","threads","iterations","ms":{"median","min","max"}}.
        The input is seeded uniform [-1, 1) with the model's input shape (a symbolic first dimension
        becomes --batch), or IN.npy (float32) as given. --save writes the first output of the last run,
        --save-dir every output, as DIR/0.npy, DIR/1.npy, ... in the model's output order.
        --profile writes ONNX Runtime's own profile (Chrome trace JSON: one event per node and run,
        warm-up runs included; tools/profile-compare.py keeps the last --iterations runs). The
        timings above then include the profiler's cost: take them from a run without it.
        """;

    public static int Main(string[] args)
    {
        try
        {
            var options = BenchOptions.Parse(args);
            if (options is null)
            {
                Console.WriteLine(Usage);
                return 0;
            }
            Console.WriteLine(Run(options));
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or OnnxRuntimeException)
        {
            Console.Error.WriteLine($"ortbench: {e.Message}");
            return 2;
        }
    }

    static string Run(BenchOptions options)
    {
        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = options.Threads,
            InterOpNumThreads = 1,
        };
        if (options.Profile is not null)
        {
            sessionOptions.EnableProfiling = true;
            sessionOptions.ProfileOutputPathPrefix = Path.Combine(Path.GetTempPath(), $"ortbench-{Environment.ProcessId}");
        }
        using var session = new InferenceSession(options.Model, sessionOptions);
        if (session.InputMetadata.Count != 1)
            throw new ArgumentException($"{options.Model}: expected one input, found {session.InputMetadata.Count}");
        var (inputName, meta) = session.InputMetadata.First();

        var (data, shape) = options.Input is null
            ? RandomInput(InputShape(inputName, meta.Dimensions, options.Batch), options.Seed)
            : Npy.Read(options.Input);
        string[] inputNames = [inputName];
        string[] outputNames = session.OutputMetadata.Keys.ToArray();
        using var runOptions = new RunOptions();
        using var input = OrtValue.CreateTensorValueFromMemory(data, shape);
        OrtValue[] inputs = [input];

        // One run sizes the outputs; later runs write into them, so the timed loop allocates nothing.
        var outputs = AllocateOutputs(session, runOptions, inputNames, inputs, outputNames);
        try
        {
            for (int i = 0; i < options.Warmup; i++)
                session.Run(runOptions, inputNames, inputs, outputNames, outputs);

            var ms = new double[options.Iterations];
            for (int i = 0; i < ms.Length; i++)
            {
                long start = Stopwatch.GetTimestamp();
                session.Run(runOptions, inputNames, inputs, outputNames, outputs);
                ms[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            if (options.Profile is not null)
                File.Move(session.EndProfiling(), options.Profile, overwrite: true);
            if (options.Save is not null)
                Save(options.Save, outputs[0]);
            if (options.SaveDir is not null)
            {
                Directory.CreateDirectory(options.SaveDir);
                for (int i = 0; i < outputs.Length; i++)
                    Save(Path.Combine(options.SaveDir, $"{i}.npy"), outputs[i]);
            }
            return Report(options, shape[0], ms);
        }
        finally
        {
            foreach (var output in outputs)
                output.Dispose();
        }
    }

    static void Save(string path, OrtValue value) =>
        Npy.Write(path, value.GetTensorDataAsSpan<float>(), value.GetTensorTypeAndShape().Shape);

    static long[] InputShape(string name, int[] dims, int batch)
    {
        if (dims.Skip(1).Any(d => d <= 0))
            throw new ArgumentException($"input {name} has a symbolic dimension past the first; give --input");
        return dims.Select((d, i) => i == 0 ? batch : (long)d).ToArray();
    }

    static (float[], long[]) RandomInput(long[] shape, int seed)
    {
        var random = new Random(seed);
        var data = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (int i = 0; i < data.Length; i++)
            data[i] = random.NextSingle() * 2 - 1;
        return (data, shape);
    }

    static OrtValue[] AllocateOutputs(InferenceSession session, RunOptions runOptions, string[] inputNames,
        OrtValue[] inputs, string[] outputNames)
    {
        using var first = session.Run(runOptions, inputNames, inputs, outputNames);
        return first.Select(value =>
        {
            var shape = value.GetTensorTypeAndShape().Shape;
            return OrtValue.CreateTensorValueFromMemory(new float[shape.Aggregate(1L, (a, b) => a * b)], shape);
        }).ToArray();
    }

    static string Report(BenchOptions options, long batch, double[] ms)
    {
        var sorted = ms.Order().ToArray();
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return JsonSerializer.Serialize(new
        {
            engine = "onnxruntime",
            model = options.Model,
            batch,
            threads = options.Threads,
            iterations = n,
            ms = new { median = Math.Round(median, 4), min = Math.Round(sorted[0], 4), max = Math.Round(sorted[^1], 4) },
        });
    }
}
