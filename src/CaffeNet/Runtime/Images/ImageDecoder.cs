using CaffeNet.Import;
using SkiaSharp;

namespace CaffeNet.Runtime.Images;

/// <summary>
/// JPEG, PNG, BMP and WebP files to 8-bit BGR pixels through SkiaSharp, as OpenCV's imread gives
/// them to Caffe: no colour management, alpha dropped (not blended), EXIF orientation applied.
/// </summary>
internal static class ImageDecoder
{
    /// <summary>Larger files are refused before they are read.</summary>
    const long MaxFileBytes = 1L << 30;

    /// <summary>Larger images are refused before their pixels are allocated.</summary>
    const long MaxPixels = 1L << 28;

    /// <summary>The formats decoded, by extension; a file is also recognised by its first bytes.</summary>
    public static readonly string[] Extensions = [".jpg", ".jpeg", ".jpe", ".png", ".bmp", ".dib", ".webp"];

    /// <summary>True when <paramref name="head"/> begins as a JPEG, PNG, BMP or WebP file does.</summary>
    public static bool HasImageSignature(ReadOnlySpan<byte> head) =>
        head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])
        || head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])
        || head.StartsWith("BM"u8)
        || (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8));

    /// <summary>Width and height as displayed, read from the header.</summary>
    public static (int Width, int Height) SizeOf(string path)
    {
        var bytes = Read(path);
        if (!HasImageSignature(bytes))
            throw new CaffeNetException($"{path}: not a JPEG, PNG, BMP or WebP image");
        using var data = Data(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new CaffeNetException($"{path}: the image cannot be decoded (its header is damaged or the format unsupported)");
        bool swap = codec.EncodedOrigin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        return swap ? (codec.Info.Height, codec.Info.Width) : (codec.Info.Width, codec.Info.Height);
    }

    public static BgrImage Decode(string path, MemoryBudget? budget = null)
    {
        return Decode(Read(path), path, budget);
    }

    /// <summary>
    /// The bytes as SkiaSharp's data: the first SkiaSharp call, which loads its native library. A
    /// program published without it (a Native AOT binary copied alone) gets one line, not a crash.
    /// </summary>
    static SKData Data(byte[] bytes)
    {
        try
        {
            return SKData.CreateCopy(bytes);
        }
        catch (Exception e) when (e is DllNotFoundException || e.InnerException is DllNotFoundException)
        {
            throw new CaffeNetException(
                $"images are decoded by SkiaSharp, whose native library ({NativeLibraryName}) was not found beside the program or on the library path");
        }
    }

    static string NativeLibraryName =>
        OperatingSystem.IsWindows() ? "libSkiaSharp.dll" : OperatingSystem.IsMacOS() ? "libSkiaSharp.dylib" : "libSkiaSharp.so";

    /// <summary>A regular file's bytes (a FIFO or device is refused before it is opened), at most 1 GiB.</summary>
    static byte[] Read(string path) =>
        InputFile.ReadAllBytes(path, (MaxFileBytes, length => $"{path}: image file of {length} bytes; at most {MaxFileBytes} are read"));

    /// <summary>Decodes <paramref name="bytes"/>; <paramref name="name"/> is the file named in errors.</summary>
    public static unsafe BgrImage Decode(byte[] bytes, string name, MemoryBudget? budget = null)
    {
        if (!HasImageSignature(bytes))
            throw new CaffeNetException($"{name}: not a JPEG, PNG, BMP or WebP image");
        using var data = Data(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new CaffeNetException($"{name}: the image cannot be decoded (its header is damaged or the format unsupported)");
        int width = codec.Info.Width, height = codec.Info.Height;
        if (width <= 0 || height <= 0 || (long)width * height > MaxPixels)
            throw new CaffeNetException($"{name}: image of {width}x{height} pixels; at most {MaxPixels} pixels are decoded");
        budget?.Check(8L * width * height, $"decoding {name} ({width}x{height})");

        var info = new SKImageInfo(width, height, SKColorType.Bgra8888, SKAlphaType.Unpremul);
        var bgra = GC.AllocateUninitializedArray<byte>(checked(4 * width * height));
        SKCodecResult result;
        fixed (byte* p = bgra)
            result = codec.GetPixels(info, (IntPtr)p);
        if (result != SKCodecResult.Success)
            throw new CaffeNetException($"{name}: the image does not decode ({Describe(result)})");

        var bgr = new byte[3 * width * height];
        for (int i = 0, j = 0; i < bgr.Length; i += 3, j += 4)
        {
            bgr[i] = bgra[j];
            bgr[i + 1] = bgra[j + 1];
            bgr[i + 2] = bgra[j + 2];
        }
        return Orient(new BgrImage(width, height, bgr), codec.EncodedOrigin);
    }

    static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput => "the file ends before the image does",
        SKCodecResult.ErrorInInput => "its data is damaged",
        SKCodecResult.InvalidInput => "its data is invalid",
        _ => result.ToString(),
    };

    /// <summary>The pixels turned so that the image stands as the EXIF orientation says, as imread does.</summary>
    static BgrImage Orient(BgrImage image, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or 0)
            return image;
        bool swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        int w = image.Width, h = image.Height;
        int ow = swap ? h : w, oh = swap ? w : h;
        var src = image.Pixels;
        var dst = new byte[src.Length];
        for (int y = 0; y < oh; y++)
        {
            for (int x = 0; x < ow; x++)
            {
                // Where output pixel (x, y) comes from in the stored image.
                var (sx, sy) = origin switch
                {
                    SKEncodedOrigin.TopRight => (w - 1 - x, y),
                    SKEncodedOrigin.BottomRight => (w - 1 - x, h - 1 - y),
                    SKEncodedOrigin.BottomLeft => (x, h - 1 - y),
                    SKEncodedOrigin.LeftTop => (y, x),
                    SKEncodedOrigin.RightTop => (y, h - 1 - x),
                    SKEncodedOrigin.RightBottom => (w - 1 - y, h - 1 - x),
                    SKEncodedOrigin.LeftBottom => (w - 1 - y, x),
                    _ => (x, y),
                };
                src.AsSpan(3 * (sy * w + sx), 3).CopyTo(dst.AsSpan(3 * (y * ow + x)));
            }
        }
        return new BgrImage(ow, oh, dst);
    }
}
