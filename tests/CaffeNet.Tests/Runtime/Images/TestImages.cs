namespace CaffeNet.Tests.Runtime.Images;

/// <summary>Small images written byte by byte, so that the decoder is checked against pixels known in advance.</summary>
public static class TestImages
{
    /// <summary>
    /// A 24-bit BMP of <paramref name="width"/> x <paramref name="height"/>: <paramref name="bgr"/>
    /// holds B, G, R per pixel, rows top to bottom (BMP stores them bottom up, each padded to 4 bytes).
    /// </summary>
    public static byte[] Bmp(int width, int height, byte[] bgr)
    {
        int stride = (3 * width + 3) & ~3, size = 54 + stride * height;
        var file = new byte[size];
        "BM"u8.CopyTo(file);
        BitConverter.TryWriteBytes(file.AsSpan(2), size);
        BitConverter.TryWriteBytes(file.AsSpan(10), 54);
        BitConverter.TryWriteBytes(file.AsSpan(14), 40);
        BitConverter.TryWriteBytes(file.AsSpan(18), width);
        BitConverter.TryWriteBytes(file.AsSpan(22), height);
        BitConverter.TryWriteBytes(file.AsSpan(26), (short)1);
        BitConverter.TryWriteBytes(file.AsSpan(28), (short)24);
        BitConverter.TryWriteBytes(file.AsSpan(34), stride * height);
        for (int y = 0; y < height; y++)
            bgr.AsSpan(3 * width * y, 3 * width).CopyTo(file.AsSpan(54 + stride * (height - 1 - y)));
        return file;
    }

    public static string WriteBmp(TempDir dir, string name, int width, int height, byte[] bgr)
    {
        var path = dir.File(name);
        File.WriteAllBytes(path, Bmp(width, height, bgr));
        return path;
    }

    /// <summary>
    /// 4 x 3 pixels: B = 10 * x + y, G = 100 + x, R = 200 + 10 * y (x left to right, y top to bottom),
    /// so every value says where it came from.
    /// </summary>
    public static byte[] Labelled4x3()
    {
        var bgr = new byte[3 * 4 * 3];
        for (int y = 0; y < 3; y++)
        {
            for (int x = 0; x < 4; x++)
            {
                int i = 3 * (4 * y + x);
                bgr[i] = (byte)(10 * x + y);
                bgr[i + 1] = (byte)(100 + x);
                bgr[i + 2] = (byte)(200 + 10 * y);
            }
        }
        return bgr;
    }
}
