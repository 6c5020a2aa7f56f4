using CaffeNet.Import;

namespace CaffeNet.Runtime.Images;

/// <summary>
/// Image files as net inputs: decoded (JPEG, PNG, BMP, WebP), resized with OpenCV's bilinear rule so
/// that the shorter side fits and centre-cropped to the input's height and width (blobFromImage's
/// crop), then laid out as planes with the mean subtracted and the scale applied, as
/// <see cref="ImagePreprocessing"/> says. A file that does not decode is a <see cref="CaffeNetException"/> naming it.
/// </summary>
public static class ImageInput
{
    /// <summary>True when <paramref name="path"/> names an image by its extension or, failing that, by its first bytes.</summary>
    public static bool IsImageFile(string path)
    {
        if (ImageDecoder.Extensions.Contains(Path.GetExtension(path).ToLowerInvariant()))
            return true;
        // Only a regular file is opened to look: a FIFO would block and a device never end.
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase) || PathKinds.Of(path) != PathKind.RegularFile)
            return false;
        Span<byte> head = stackalloc byte[12];
        try
        {
            using var stream = File.OpenRead(path);
            int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return ImageDecoder.HasImageSignature(head[..read]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The images of <paramref name="folder"/> (by extension, not its subfolders), in ordinal order of their names.</summary>
    public static IReadOnlyList<string> ImagesIn(string folder) =>
        [.. Directory.EnumerateFiles(folder)
            .Where(f => ImageDecoder.Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal)];

    /// <summary>The width and height of the image in <paramref name="path"/> as it stands (EXIF orientation applied), from its header alone.</summary>
    public static (int Width, int Height) SizeOf(string path) => ImageDecoder.SizeOf(path);

    /// <summary>One image as a 1 x <paramref name="channels"/> x <paramref name="height"/> x <paramref name="width"/> tensor.</summary>
    public static Tensor Load(string path, int channels, int height, int width, ImagePreprocessing? preprocessing = null) =>
        Load(path, channels, height, width, preprocessing, null);

    internal static Tensor Load(string path, int channels, int height, int width, ImagePreprocessing? preprocessing, MemoryBudget? budget)
    {
        var tensor = new Tensor(new TensorShape(1, channels, height, width));
        Fill(path, tensor.Span, channels, height, width, preprocessing, budget);
        return tensor;
    }

    /// <summary>Several images as one N x C x H x W batch, in the order given.</summary>
    public static Tensor LoadBatch(IReadOnlyList<string> paths, int channels, int height, int width, ImagePreprocessing? preprocessing = null) =>
        LoadBatch(paths, channels, height, width, preprocessing, null);

    internal static Tensor LoadBatch(IReadOnlyList<string> paths, int channels, int height, int width, ImagePreprocessing? preprocessing,
        MemoryBudget? budget)
    {
        var tensor = new Tensor(new TensorShape(paths.Count, channels, height, width));
        int size = channels * height * width;
        for (int i = 0; i < paths.Count; i++)
            Fill(paths[i], tensor.Span.Slice(i * size, size), channels, height, width, preprocessing, budget);
        return tensor;
    }

    /// <summary>Writes one image's C x H x W values into <paramref name="destination"/> (one sample of a batch).</summary>
    public static void Fill(string path, Span<float> destination, int channels, int height, int width, ImagePreprocessing? preprocessing = null) =>
        Fill(path, destination, channels, height, width, preprocessing, null);

    /// <summary>As the public overload; the decoded image must also fit <paramref name="budget"/>.</summary>
    internal static void Fill(string path, Span<float> destination, int channels, int height, int width, ImagePreprocessing? preprocessing,
        MemoryBudget? budget)
    {
        Check(channels, height, width, destination.Length);
        var image = ImageDecoder.Decode(path, budget);
        try
        {
            Write(Fit(image, width, height), destination, channels, preprocessing ?? new ImagePreprocessing());
        }
        catch (CaffeNetException e)
        {
            throw new CaffeNetException($"{path}: {e.Message}", e);
        }
    }

    static void Check(int channels, int height, int width, int length)
    {
        if (channels is not (1 or 3))
            throw new CaffeNetException($"an image gives 1 (grey) or 3 (colour) channels; the input has {channels}");
        if (height <= 0 || width <= 0)
            throw new CaffeNetException($"an image input needs a height and width, got {height}x{width}");
        if (length != channels * height * width)
            throw new ArgumentException($"{length} values for {channels}x{height}x{width}");
    }

    /// <summary>
    /// Scaled by the larger of the two ratios so that the image covers width x height, then the
    /// centre cut out, exactly as OpenCV's blobFromImage with crop does; an image of that size is kept as it is.
    /// </summary>
    internal static BgrImage Fit(BgrImage image, int width, int height)
    {
        if (image.Width == width && image.Height == height)
            return image;
        float factor = Math.Max(width / (float)image.Width, height / (float)image.Height);
        int w = Math.Max(width, (int)Math.Round(image.Width * (double)factor, MidpointRounding.ToEven));
        int h = Math.Max(height, (int)Math.Round(image.Height * (double)factor, MidpointRounding.ToEven));
        var resized = BilinearResize.Resize(image, w, h, factor, factor);
        return resized.Crop((int)(0.5 * (w - width)), (int)(0.5 * (h - height)), width, height);
    }

    /// <summary>Planes in the asked order (grey levels for one channel), less the mean, times the scale.</summary>
    internal static void Write(BgrImage image, Span<float> destination, int channels, ImagePreprocessing p)
    {
        int plane = image.Width * image.Height;
        var pixels = image.Pixels;
        if (channels == 1)
        {
            // OpenCV's BGR to grey in fixed point (0.114 B + 0.587 G + 0.299 R), as imread's grey images are.
            for (int i = 0; i < plane; i++)
                destination[i] = (pixels[3 * i] * 1868 + pixels[3 * i + 1] * 9617 + pixels[3 * i + 2] * 4899 + (1 << 13)) >> 14;
        }
        else
        {
            for (int c = 0; c < 3; c++)
            {
                int from = p.Order == ChannelOrder.Bgr ? c : 2 - c;
                var dst = destination.Slice(c * plane, plane);
                for (int i = 0; i < plane; i++)
                    dst[i] = pixels[3 * i + from];
            }
        }
        SubtractMean(destination, channels, image.Height, image.Width, p);
        if (p.Scale != 1)
        {
            foreach (ref var v in destination)
                v *= p.Scale;
        }
    }

    static void SubtractMean(Span<float> values, int channels, int height, int width, ImagePreprocessing p)
    {
        int plane = height * width;
        if (p.MeanValues.Count > 0)
        {
            if (p.MeanValues.Count != 1 && p.MeanValues.Count != channels)
                throw new CaffeNetException($"{p.MeanValues.Count} mean values for an input of {channels} channel(s); give one or {channels}");
            for (int c = 0; c < channels; c++)
            {
                float mean = p.MeanValues[p.MeanValues.Count == 1 ? 0 : c];
                foreach (ref var v in values.Slice(c * plane, plane))
                    v -= mean;
            }
        }
        if (p.MeanImage is { } meanImage)
        {
            var s = meanImage.Shape;
            if (s.Rank != 3 || s[0] != channels || s[1] < height || s[2] < width)
                throw new CaffeNetException($"the mean image is {string.Join('x', s.Dims.ToArray())} (CxHxW); the input needs " +
                    $"{channels} channel(s) and at least {height}x{width}");
            // Caffe crops the mean at the same offset as the data: the centre, outside training.
            int top = (s[1] - height) / 2, left = (s[2] - width) / 2;
            var mean = meanImage.Span;
            for (int c = 0; c < channels; c++)
            {
                for (int y = 0; y < height; y++)
                {
                    var row = values.Slice(c * plane + y * width, width);
                    var meanRow = mean.Slice((c * s[1] + top + y) * s[2] + left, width);
                    for (int x = 0; x < width; x++)
                        row[x] -= meanRow[x];
                }
            }
        }
    }
}
