using System.Diagnostics;
using System.Globalization;
using CaffeNet.Runtime;

namespace CaffeNet.Cli.Run;

/// <summary>
/// `run --input NAME=FOLDER`: the folder's images as a stream of batches through one executor, the
/// top 5 of each image printed as its batch finishes. A progress line goes to the terminal only
/// (nothing when standard error is redirected); a file that does not decode stops the run there.
/// With --json, each image is one JSON line (<see cref="ImageRecord"/>) and nothing else is printed.
/// </summary>
internal sealed class ImageStream(ImageSource source, ImageTarget target, int batch, LabelReport? labels, bool json)
{
    public int Run(NetSetup setup, Tensor input, Executor executor, MemoryBudget budget, TextWriter stdout)
    {
        var inputs = setup.Inputs(budget);
        inputs[source.Name] = input;
        var files = source.Files;
        var producers = setup.Graph.Outputs.ToDictionary(v => v.Name, v => v.Producer?.Type, StringComparer.Ordinal);
        bool progress = !Console.IsErrorRedirected;
        var forward = TimeSpan.Zero;
        for (int start = 0; start < files.Count; start += batch)
        {
            var chunk = files.Skip(start).Take(batch).ToList();
            if (start > 0)
                target.Fill(input, chunk, budget);
            if (progress)
                Console.Error.Write($"\r{start + chunk.Count}/{files.Count} images ");
            var clock = Stopwatch.StartNew();
            var outputs = executor.Forward(inputs);
            forward += clock.Elapsed;
            if (progress)
                Console.Error.Write("\r\x1b[K");
            var names = chunk.Select(f => Path.GetRelativePath(source.Path, f)).ToList();
            if (json)
            {
                labels?.Named(outputs);
                for (int n = 0; n < names.Count; n++)
                    ImageRecord.Write(stdout, names[n], n, batch, outputs, producers, labels);
            }
            else if (labels is not null)
                labels.Write(stdout, outputs, chunk.Count, names);
            else
                WriteTopFive(stdout, outputs, names, batch);
            stdout.Flush();
        }
        if (json)
            return App.Ok;
        int batches = (files.Count + batch - 1) / batch;
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{files.Count} image(s) in {batches} batch(es) of {batch}: forward {forward.TotalMilliseconds:F1} ms, " +
            $"{forward.TotalMilliseconds / files.Count:F1} ms per image"));
        return App.Ok;
    }

    /// <summary>Without names: per image, each probability output's top 5 as `class (score)`, else its min, max and mean.</summary>
    static void WriteTopFive(TextWriter stdout, IReadOnlyDictionary<string, Tensor> outputs, IReadOnlyList<string> names, int batch)
    {
        foreach (var (name, value) in outputs)
        {
            // A detection output's rows hold the whole batch: one line for it, not one per image.
            if (value.Rank == 0 || value.Shape[0] != batch)
            {
                var whole = OutputSummary.Of(name, value);
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{string.Join(", ", names)}: {name} shape {value.Shape} min {whole.Min:G6} max {whole.Max:G6} mean {whole.Mean:G6}"));
                continue;
            }
            var summary = OutputSummary.Of(name, value);
            for (int n = 0; n < names.Count; n++)
            {
                if (summary.Top5 is { } top)
                {
                    stdout.WriteLine($"{names[n]}: {name} top-5:" +
                        string.Concat(top[n].Select(t => string.Create(CultureInfo.InvariantCulture, $" {t.Class} ({t.Score:G4})"))));
                }
                else
                {
                    int size = value.Count / value.Shape[0];
                    var sample = value.Span.Slice(n * size, size).ToArray();
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{names[n]}: {name} min {sample.Min():G6} max {sample.Max():G6} mean {sample.Average():G6}"));
                }
            }
        }
    }
}
