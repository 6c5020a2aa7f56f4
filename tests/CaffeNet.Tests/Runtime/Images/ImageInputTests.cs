using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Proto;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Images;
using Google.Protobuf;

namespace CaffeNet.Tests.Runtime.Images;

/// <summary>Decoding, resizing, cropping, channel order, mean and scale of image inputs, on pixels known in advance.</summary>
public class ImageInputTests
{
    static string Image(string name) => TestPaths.InTestData("images", name);

    /// <summary>B plane, then G, then R of <see cref="TestImages.Labelled4x3"/>, row by row.</summary>
    static float[] LabelledPlanes(ChannelOrder order)
    {
        float[] b = [0, 10, 20, 30, 1, 11, 21, 31, 2, 12, 22, 32];
        float[] g = [100, 101, 102, 103, 100, 101, 102, 103, 100, 101, 102, 103];
        float[] r = [200, 200, 200, 200, 210, 210, 210, 210, 220, 220, 220, 220];
        return order == ChannelOrder.Bgr ? [.. b, .. g, .. r] : [.. r, .. g, .. b];
    }

    [Fact]
    public void HandMadeBmpGivesItsPixelsAsBgrPlanes()
    {
        using var dir = new TempDir();
        var path = TestImages.WriteBmp(dir, "labelled.bmp", 4, 3, TestImages.Labelled4x3());
        var tensor = ImageInput.Load(path, 3, 3, 4);
        Assert.Equal(new TensorShape(1, 3, 3, 4), tensor.Shape);
        Assert.Equal(LabelledPlanes(ChannelOrder.Bgr), tensor.ToArray());
    }

    [Fact]
    public void RgbReversesThePlanes()
    {
        using var dir = new TempDir();
        var path = TestImages.WriteBmp(dir, "labelled.bmp", 4, 3, TestImages.Labelled4x3());
        var tensor = ImageInput.Load(path, 3, 3, 4, new ImagePreprocessing { Order = ChannelOrder.Rgb });
        Assert.Equal(LabelledPlanes(ChannelOrder.Rgb), tensor.ToArray());
    }

    [Fact]
    public void MeanIsSubtractedPerChannelInTheInputsOrderThenScaled()
    {
        using var dir = new TempDir();
        var path = TestImages.WriteBmp(dir, "labelled.bmp", 4, 3, TestImages.Labelled4x3());
        // RGB order: the means are R, G, B. (R - 200) * 0.5 etc.
        var p = new ImagePreprocessing { Order = ChannelOrder.Rgb, MeanValues = [200, 100, 10], Scale = 0.5f };
        var values = ImageInput.Load(path, 3, 3, 4, p).ToArray();
        Assert.Equal([0, 0, 0, 0, 5, 5, 5, 5, 10, 10, 10, 10], values[..12]);
        Assert.Equal([0, 0.5f, 1, 1.5f, 0, 0.5f, 1, 1.5f, 0, 0.5f, 1, 1.5f], values[12..24]);
        Assert.Equal([-5, 0, 5, 10, -4.5f, 0.5f, 5.5f, 10.5f, -4, 1, 6, 11], values[24..]);
    }

    [Fact]
    public void ALargerImageIsCentreCroppedWithoutResizingWhenOneSideFits()
    {
        // 4x3 into 2x3: the height fits (factor 1), so columns 1 and 2 are cut out.
        using var dir = new TempDir();
        var path = TestImages.WriteBmp(dir, "labelled.bmp", 4, 3, TestImages.Labelled4x3());
        var values = ImageInput.Load(path, 3, 3, 2).ToArray();
        Assert.Equal([10, 20, 11, 21, 12, 22], values[..6]);
        Assert.Equal([101, 102, 101, 102, 101, 102], values[6..12]);
        Assert.Equal([200, 200, 210, 210, 220, 220], values[12..]);
    }

    [Fact]
    public void UpscalingIsBilinearFromPixelCentres()
    {
        // 2x2 to 4x4: output columns sample x = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1),
        // so a row [a, b] becomes [a, 0.75a + 0.25b, 0.25a + 0.75b, b]; both rows are equal.
        using var dir = new TempDir();
        byte[] row = [0, 100, 40, 200, 100, 80];
        var path = TestImages.WriteBmp(dir, "two.bmp", 2, 2, [.. row, .. row]);
        var values = ImageInput.Load(path, 3, 4, 4).ToArray();
        float[] b = [0, 50, 150, 200], g = [100, 100, 100, 100], r = [40, 50, 70, 80];
        Assert.Equal([.. b, .. b, .. b, .. b], values[..16]);
        Assert.Equal([.. g, .. g, .. g, .. g], values[16..32]);
        Assert.Equal([.. r, .. r, .. r, .. r], values[32..]);
    }

    [Fact]
    public void OneChannelInputGetsOpenCvsGreyLevels()
    {
        // (B * 1868 + G * 9617 + R * 4899 + 8192) >> 14: pixel (0, 0) = (0 + 961700 + 979800 + 8192) >> 14 = 118.
        using var dir = new TempDir();
        var path = TestImages.WriteBmp(dir, "labelled.bmp", 4, 3, TestImages.Labelled4x3());
        var values = ImageInput.Load(path, 1, 3, 4).ToArray();
        Assert.Equal(118, values[0]);
        // Pixel (3, 2): B 32, G 103, R 220 -> (59776 + 990551 + 1077780 + 8192) >> 14 = 130.
        Assert.Equal(130, values[11]);
    }

    [Theory]
    [InlineData("square-224.bmp")]
    [InlineData("square-224.webp")]
    public void LosslessFormatsDecodeToThePngsPixels(string name)
    {
        var png = ImageInput.Load(Image("square-224.png"), 3, 224, 224).ToArray();
        Assert.Equal(png, ImageInput.Load(Image(name), 3, 224, 224).ToArray());
    }

    [Fact]
    public void JpegDecodesCloseToTheLosslessOriginal()
    {
        var png = ImageInput.Load(Image("square-224.png"), 3, 224, 224).ToArray();
        var jpg = ImageInput.Load(Image("square-224.jpg"), 3, 224, 224).ToArray();
        double meanDiff = png.Zip(jpg, (a, b) => Math.Abs(a - b)).Average();
        Assert.InRange(meanDiff, 0.1, 6);
    }

    [Fact]
    public void PngPixelsAreTheOnesWrittenThere()
    {
        // square-224 was drawn with a filled disc of BGR (20, 200, 240) centred at (74, 112).
        var values = ImageInput.Load(Image("square-224.png"), 3, 224, 224).ToArray();
        int at = 112 * 224 + 74, plane = 224 * 224;
        Assert.Equal([20f, 200f, 240f], [values[at], values[plane + at], values[2 * plane + at]]);
    }

    [Fact]
    public void BatchHoldsTheImagesInOrder()
    {
        using var dir = new TempDir();
        var a = TestImages.WriteBmp(dir, "a.bmp", 1, 1, [1, 2, 3]);
        var b = TestImages.WriteBmp(dir, "b.bmp", 1, 1, [4, 5, 6]);
        var batch = ImageInput.LoadBatch([b, a], 3, 1, 1);
        Assert.Equal(new TensorShape(2, 3, 1, 1), batch.Shape);
        Assert.Equal([4f, 5, 6, 1, 2, 3], batch.ToArray());
    }

    [Fact]
    public void MeanFileIsCentreCroppedToTheInput()
    {
        // A 1x3x3x4 mean whose value is 100 * c + 10 * y + x; the input is 3x2: columns 1 and 2.
        using var dir = new TempDir();
        var blob = new BlobProto { Num = 1, Channels = 3, Height = 3, Width = 4 };
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 3; y++)
                for (int x = 0; x < 4; x++)
                    blob.Data.Add(100 * c + 10 * y + x);
        var meanFile = dir.File("mean.binaryproto");
        File.WriteAllBytes(meanFile, blob.ToByteArray());
        var transform = new TransformationParameter { MeanFile = "mean.binaryproto", Scale = 2 };
        var p = ImagePreprocessing.FromTransform(transform, dir.Path);

        var image = TestImages.WriteBmp(dir, "labelled.bmp", 4, 3, TestImages.Labelled4x3());
        var values = ImageInput.Load(image, 3, 3, 2, p).ToArray();
        // B columns 1-2: [10, 20; 11, 21; 12, 22] less [1, 2; 11, 12; 21, 22], times 2.
        Assert.Equal([18, 36, 0, 18, -18, 0], values[..6]);
        // R: 200.. less 200 + 10y + x: [200-201, 200-202; 210-211, 210-212; 220-221, 220-222] * 2.
        Assert.Equal([-2, -4, -2, -4, -2, -4], values[12..]);
    }

    [Fact]
    public void TransformOfTakesTheDataLayerOfThePhase()
    {
        var net = new NetParameter();
        net.Layer.Add(new LayerParameter
        {
            Name = "train", Type = "Data", Top = { "data" }, Include = { new NetStateRule { Phase = Phase.Train } },
            TransformParam = new TransformationParameter { Scale = 1, MeanValue = { 1, 2, 3 } },
        });
        net.Layer.Add(new LayerParameter
        {
            Name = "test", Type = "Data", Top = { "data" }, Include = { new NetStateRule { Phase = Phase.Test } },
            TransformParam = new TransformationParameter { Scale = 0.5f, MeanValue = { 4, 5, 6 } },
        });
        var test = ImagePreprocessing.FromTransform(ImagePreprocessing.TransformOf(net, "data"));
        Assert.Equal([4f, 5, 6], test.MeanValues);
        Assert.Equal(0.5f, test.Scale);
        var train = ImagePreprocessing.FromTransform(ImagePreprocessing.TransformOf(net, "data", new GraphOptions { Phase = Phase.Train }));
        Assert.Equal([1f, 2, 3], train.MeanValues);
    }

    [Fact]
    public void FileThatIsNotAnImageIsOneErrorNamingIt()
    {
        using var dir = new TempDir();
        var path = dir.File("photo.jpg");
        File.WriteAllText(path, "not a picture");
        var e = Assert.Throws<CaffeNetException>(() => ImageInput.Load(path, 3, 4, 4));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void TruncatedImageIsOneErrorNamingIt()
    {
        using var dir = new TempDir();
        var path = dir.File("cut.png");
        File.WriteAllBytes(path, File.ReadAllBytes(Image("square-224.png"))[..2000]);
        var e = Assert.Throws<CaffeNetException>(() => ImageInput.Load(path, 3, 224, 224));
        Assert.Contains(path, e.Message);
        Assert.Contains("ends before the image does", e.Message);
    }

    [Fact]
    public void DamagedJpegIsAnErrorNotACrash()
    {
        using var dir = new TempDir();
        var bytes = File.ReadAllBytes(Image("square-224.jpg"));
        // Keep the JPEG header and overwrite the rest with a pattern.
        for (int i = 600; i < bytes.Length; i++)
            bytes[i] = (byte)(i * 37);
        var path = dir.File("damaged.jpg");
        File.WriteAllBytes(path, bytes);
        try
        {
            ImageInput.Load(path, 3, 224, 224);
        }
        catch (CaffeNetException e)
        {
            Assert.Contains(path, e.Message);
        }
    }

    [Fact]
    public void FourChannelInputIsRefused()
    {
        var e = Assert.Throws<CaffeNetException>(() => ImageInput.Load(Image("square-224.png"), 4, 224, 224));
        Assert.Contains("1 (grey) or 3 (colour)", e.Message);
    }

    [Fact]
    public void ImagesAreToldFromOtherFilesByExtensionOrContent()
    {
        using var dir = new TempDir();
        var noExtension = dir.File("picture");
        File.Copy(Image("square-224.webp"), noExtension);
        var npy = dir.File("x.npy");
        File.WriteAllText(npy, "\x93NUMPY");
        Assert.True(ImageInput.IsImageFile(noExtension));
        Assert.True(ImageInput.IsImageFile(Image("wide-320x200.jpg")));
        Assert.False(ImageInput.IsImageFile(npy));
        Assert.Equal((150, 260), ImageInput.SizeOf(Image("tall-150x260.bmp")));
    }
}
