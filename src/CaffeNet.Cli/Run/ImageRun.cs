using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Npy;

namespace CaffeNet.Cli.Run;

/// <summary>
/// The image side of `run`: an image input decoded and preprocessed before the net is set up (its
/// tensor reshapes the net as a .npy file's would: batch 1 for one image, --batch for a folder),
/// then either one forward pass as usual or, for a folder, the stream of batches.
/// </summary>
internal sealed class ImageRun
{
    readonly ImageSource _source;
    readonly ImageTarget _target;
    readonly ImageSettings _settings;
    readonly Tensor _tensor;

    ImageRun(ImageSource source, ImageTarget target, ImageSettings settings, Tensor tensor)
    {
        _source = source;
        _target = target;
        _settings = settings;
        _tensor = tensor;
    }

    /// <summary>
    /// Takes the image input out of <paramref name="specs"/> (the rest go to <paramref name="rest"/>)
    /// and loads its first batch; null when no input is an image.
    /// </summary>
    public static ImageRun? Prepare(IReadOnlyList<string> specs, ImageSettings settings, string model, GraphOptions options,
        ImportOptions import, MemoryBudget budget, out List<string> rest)
    {
        (rest, var source) = ImageInputs.Split(specs);
        if (source is null)
        {
            if (settings.SaveInput is not null)
                throw new CaffeNetException("--save-input writes an image input's tensor; no --input is an image");
            return null;
        }
        if (source.IsFolder && settings.SaveInput is not null)
            throw new CaffeNetException("--save-input takes one image, not a folder");
        var target = ImageInputs.Target(model, source, options, import, settings);
        int batch = source.IsFolder ? Math.Min(settings.Batch, source.Files.Count) : 1;
        budget.Check(4L * batch * target.SampleSize, $"a batch of {batch} image(s) of {target.Channels}x{target.Height}x{target.Width}");
        var tensor = target.Load([.. source.Files.Take(batch)], batch, budget);
        return new ImageRun(source, target, settings, tensor);
    }

    /// <summary>The image input's first batch, to be given to the net as a file's values are.</summary>
    public IReadOnlyDictionary<string, Tensor> Given => new Dictionary<string, Tensor> { [_source.Name] = _tensor };

    /// <summary>A folder runs as a stream of batches (<see cref="Stream"/>), not one forward pass.</summary>
    public bool IsStream => _source.IsFolder;

    public int Stream(NetSetup setup, Executor executor, LabelReport? labels, bool json, MemoryBudget budget, TextWriter stdout) =>
        new ImageStream(_source, _target, _tensor.Shape[0], labels, json).Run(setup, _tensor, executor, budget, stdout);

    /// <summary>--save-input: the preprocessed tensor as float32 .npy.</summary>
    public void SaveInput()
    {
        if (_settings.SaveInput is { } path)
        {
            var bytes = NpyFile.Serialize(_tensor);
            AtomicFile.Write(path, stream => stream.Write(bytes));
        }
    }
}
