namespace CaffeNet.Runtime.Images;

/// <summary>8-bit pixels, three interleaved channels in B, G, R order, rows top to bottom (OpenCV's CV_8UC3).</summary>
internal sealed class BgrImage
{
    public BgrImage(int width, int height, byte[] pixels)
    {
        if (width <= 0 || height <= 0 || pixels.Length != 3L * width * height)
            throw new ArgumentException($"{pixels.Length} bytes for a {width}x{height} BGR image");
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public byte[] Pixels { get; }

    /// <summary>The <paramref name="width"/> x <paramref name="height"/> window whose top left corner is (x, y).</summary>
    public BgrImage Crop(int x, int y, int width, int height)
    {
        if (x < 0 || y < 0 || x + width > Width || y + height > Height)
            throw new ArgumentOutOfRangeException(nameof(x), $"{width}x{height} at ({x}, {y}) is outside {Width}x{Height}");
        var pixels = new byte[3 * width * height];
        for (int row = 0; row < height; row++)
            Pixels.AsSpan(3 * ((y + row) * Width + x), 3 * width).CopyTo(pixels.AsSpan(3 * row * width));
        return new BgrImage(width, height, pixels);
    }
}
