using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Proto;

namespace CaffeNet.Runtime.Images;

/// <summary>
/// How decoded pixels (0-255) become an input tensor, in Caffe's order: resize and centre-crop to
/// the input's size, planes in <see cref="Order"/>, subtract the mean, multiply by
/// <see cref="Scale"/>. The defaults leave the pixels as they are, in BGR order.
/// </summary>
public sealed record ImagePreprocessing
{
    /// <summary>The planes' order for a three-channel input (a one-channel input gets grey levels).</summary>
    public ChannelOrder Order { get; init; } = ChannelOrder.Bgr;

    /// <summary>One mean per channel, in the input's channel order (Caffe's mean_value), or one for all; empty for none.</summary>
    public IReadOnlyList<float> MeanValues { get; init; } = [];

    /// <summary>
    /// A mean image, channels x height x width (Caffe's mean_file), in the input's channel order;
    /// subtracted pixel by pixel, centre-cropped when larger than the input. Null for none.
    /// </summary>
    public Tensor? MeanImage { get; init; }

    /// <summary>Multiplies each value after the mean is subtracted (Caffe's transform_param scale).</summary>
    public float Scale { get; init; } = 1;

    /// <summary>
    /// What a data layer's transform_param asks for: mean_value or mean_file (a .binaryproto, found
    /// beside <paramref name="baseDirectory"/> when relative) and scale. crop_size already sets the
    /// input's size; mirror is a training-time augmentation and does not apply.
    /// </summary>
    public static ImagePreprocessing FromTransform(TransformationParameter? transform, string? baseDirectory = null, ImportOptions? import = null)
    {
        var result = new ImagePreprocessing();
        if (transform is null)
            return result;
        if (transform.MeanValue.Count > 0 && transform.HasMeanFile)
            throw new CaffeNetException("transform_param has both mean_value and mean_file; Caffe allows only one");
        if (transform.HasScale)
            result = result with { Scale = transform.Scale };
        if (transform.MeanValue.Count > 0)
            result = result with { MeanValues = [.. transform.MeanValue] };
        if (transform.HasMeanFile)
        {
            var path = transform.MeanFile;
            if (!Path.IsPathRooted(path) && baseDirectory is not null && !File.Exists(path))
                path = Path.Combine(baseDirectory, path);
            result = result with { MeanImage = ReadMeanFile(path, import) };
        }
        return result;
    }

    /// <summary>
    /// The transform_param of the data layer that writes <paramref name="input"/> in the phase and
    /// stages <paramref name="options"/> select (train_val nets have one data layer per phase), or null.
    /// </summary>
    public static TransformationParameter? TransformOf(NetParameter net, string input, GraphOptions? options = null)
    {
        var state = NetStateFilter.State(net, options ?? new GraphOptions());
        return net.Layer.Where(l => l.Top.Contains(input) && NetStateFilter.Includes(l, state))
            .Select(l => l.TransformParam).FirstOrDefault(t => t is not null);
    }

    /// <summary>A .binaryproto mean image: 1 x C x H x W (or C x H x W) read as C x H x W.</summary>
    public static Tensor ReadMeanFile(string path, ImportOptions? import = null)
    {
        var blob = ModelLoader.Read<BlobProto>(path, import);
        var shape = Blobs.ShapeOf(blob);
        if (shape.Length == 4 && shape[0] == 1)
            shape = shape[1..];
        if (shape.Length != 3 || shape.Any(d => d <= 0 || d > int.MaxValue) || Blobs.CountOf(shape) != Blobs.ValueCount(blob))
            throw new CaffeNetException($"{path}: a mean file holds one 1xCxHxW image; this blob is {Blobs.ShapeString(shape)} " +
                $"with {Blobs.ValueCount(blob)} values");
        return new Tensor(new TensorShape([.. shape.Select(d => (int)d)]), Blobs.ValuesOf(blob));
    }

    /// <summary>Parses "B,G,R" (or one value for every channel) as <see cref="MeanValues"/>.</summary>
    public static IReadOnlyList<float> ParseMeanValues(string text)
    {
        var parts = text.Split(',');
        var values = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i].Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out values[i])
                || !float.IsFinite(values[i]))
                throw new CaffeNetException($"a mean is one number per channel, such as 104,117,123; got '{text}'");
        }
        return values;
    }
}
