using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Images;

namespace CaffeNet.Cli.Run;

/// <summary>An `--input NAME=IMAGE` or `NAME=FOLDER`: the files it names, in order.</summary>
internal sealed record ImageSource(string Name, string Path, IReadOnlyList<string> Files, bool IsFolder);

/// <summary>What the net wants of an image input: its channels, height and width, and the preprocessing.</summary>
internal sealed record ImageTarget(int Channels, int Height, int Width, ImagePreprocessing Preprocessing)
{
    public int SampleSize => Channels * Height * Width;

    /// <summary>A batch of <paramref name="files"/> (padded with zeros up to <paramref name="batch"/>).</summary>
    public Tensor Load(IReadOnlyList<string> files, int batch, MemoryBudget budget)
    {
        var tensor = new Tensor(new TensorShape(batch, Channels, Height, Width));
        Fill(tensor, files, budget);
        return tensor;
    }

    /// <summary>Refills <paramref name="tensor"/> in place with <paramref name="files"/>; samples past them become zeros.</summary>
    public void Fill(Tensor tensor, IReadOnlyList<string> files, MemoryBudget budget)
    {
        var span = tensor.Span;
        for (int i = 0; i < files.Count; i++)
            ImageInput.Fill(files[i], span.Slice(i * SampleSize, SampleSize), Channels, Height, Width, Preprocessing, budget);
        span[(files.Count * SampleSize)..].Clear();
    }
}

/// <summary>
/// Tells image inputs from .npy ones (a folder, an image extension, or failing that an image's first
/// bytes; `.npy` and `-` stay NumPy) and works out their size and preprocessing from the net.
/// </summary>
internal static class ImageInputs
{
    /// <summary>The specs that are not images, and the one image input if there is one.</summary>
    public static (List<string> Others, ImageSource? Image) Split(IReadOnlyList<string> specs)
    {
        var rest = new List<string>();
        ImageSource? image = null;
        foreach (var spec in specs)
        {
            int eq = spec.IndexOf('=');
            var value = eq > 0 ? spec[(eq + 1)..] : "";
            ImageSource? source = null;
            if (eq > 0 && Directory.Exists(value))
            {
                var files = ImageInput.ImagesIn(value);
                if (files.Count == 0)
                    throw new CaffeNetException($"--input {spec}: the folder holds no images (.jpg, .jpeg, .png, .bmp, .webp)");
                source = new ImageSource(spec[..eq], value, files, IsFolder: true);
            }
            else if (eq > 0 && value != "-" && ImageInput.IsImageFile(value))
                source = new ImageSource(spec[..eq], value, [value], IsFolder: false);
            if (source is null)
            {
                rest.Add(spec);
                continue;
            }
            if (image is not null)
                throw new CaffeNetException($"--input {image.Name} and {source.Name} are both images; one input at most can be");
            image = source;
        }
        return (rest, image);
    }

    /// <summary>
    /// The input's channels, height and width from the prototxt (where a data layer leaves the size to
    /// its database, the first image's own), and its data layer's transform_param with the options on top.
    /// </summary>
    public static ImageTarget Target(string model, ImageSource source, GraphOptions options, ImportOptions import, ImageSettings settings)
    {
        // The net is read again with its weights afterwards, which reports the warnings once.
        var net = ModelLoader.Load(model, null, import with { Warning = _ => { } });
        var graph = GraphBuilder.Build(net, LayerRegistry.Default, options with { AllowUnknownDims = true });
        var input = graph.Inputs.FirstOrDefault(v => v.Name == source.Name)
            ?? throw new CaffeNetException($"--input {source.Name}: the net has no input of that name; its inputs are " +
                string.Join(", ", graph.Inputs.Select(v => $"'{v.Name}'")));
        if (input.Shape.IsKnown && input.Shape.Rank != 4)
            throw new CaffeNetException($"--input {source.Name}: an image fills an N x C x H x W input; this one is {input.Shape}");
        int? Dim(int axis) => input.Shape.IsKnown ? input.Shape.Dim(axis) : null;
        int channels = Dim(1) ?? 3;
        int? height = Dim(2), width = Dim(3);
        if (height is null || width is null)
        {
            var (w, h) = ImageInput.SizeOf(source.Files[0]);
            (height, width) = (height ?? h, width ?? w);
        }
        var transform = ImagePreprocessing.TransformOf(net, source.Name, options);
        var fromNet = ImagePreprocessing.FromTransform(transform, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(model)));
        var target = new ImageTarget(channels, height.Value, width.Value, ImageOptions.Apply(fromNet, settings));
        if (channels is not (1 or 3))
            throw new CaffeNetException($"--input {source.Name}: an image gives 1 (grey) or 3 (colour) channels; the input has {channels}");
        return target;
    }
}
