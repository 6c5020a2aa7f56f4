using CaffeNet.Runtime;
using CaffeNet.Runtime.Npy;
using CaffeNet.Tests.Runtime.Images;

namespace CaffeNet.Tests.Cli;

/// <summary>`caffenet run` with image inputs: preprocessing, named classes, folders in batches, bad files.</summary>
public class RunImageTests
{
    /// <summary>Global average of each plane, then softmax over the three: the planes' means decide the classes.</summary>
    const string MeanNet = """
        name: "means"
        layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 3 dim: 4 } } }
        layer { name: "pool" type: "Pooling" bottom: "data" top: "pool" pooling_param { pool: AVE global_pooling: true } }
        layer { name: "prob" type: "Softmax" bottom: "pool" top: "prob" }
        """;

    static string Write(TempDir dir, string name, string text)
    {
        var path = dir.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    static string Mnv2 => TestPaths.InTestData("mobilenetv2", "deploy.prototxt");

    static string Synset => TestPaths.InTestData("images", "synset.txt");

    [Fact]
    public void SavedInputIsThePreprocessedImage()
    {
        using var dir = new TempDir();
        var net = Write(dir, "means.prototxt", MeanNet);
        var image = TestImages.WriteBmp(dir, "labelled.bmp", 4, 3, TestImages.Labelled4x3());
        var saved = dir.File("input.npy");
        var r = CliRunner.Run("run", net, "--input", "data=" + image, "--rgb", "--mean", "200,100,10", "--scale", "0.5", "--save-input", saved);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var tensor = NpyFile.Read(saved);
        Assert.Equal(new TensorShape(1, 3, 3, 4), tensor.Shape);
        var values = tensor.ToArray();
        // R plane (R - 200) / 2, G plane (G - 100) / 2, B plane (B - 10) / 2.
        Assert.Equal([0, 0, 0, 0, 5, 5, 5, 5, 10, 10, 10, 10], values[..12]);
        Assert.Equal([0, 0.5f, 1, 1.5f, 0, 0.5f, 1, 1.5f, 0, 0.5f, 1, 1.5f], values[12..24]);
        Assert.Equal([-5, 0, 5, 10, -4.5f, 0.5f, 5.5f, 10.5f, -4, 1, 6, 11], values[24..]);
    }

    [Fact]
    public void LabelsNameTheTopClassesWithTheirScores()
    {
        // Plane means of the labelled image: B 16, G 101.5, R 210; after --mean 14,101.5,210 and
        // --scale 0.1 they are 0.2, 0 and 0.
        using var dir = new TempDir();
        var net = Write(dir, "means.prototxt", MeanNet);
        var image = TestImages.WriteBmp(dir, "labelled.bmp", 4, 3, TestImages.Labelled4x3());
        var labels = Write(dir, "labels.txt", "n00000001 blue things\nn00000002 green things\nn00000003 red things\n");
        var r = CliRunner.Run("run", net, "--input", "data=" + image, "--mean", "14,101.5,210", "--scale", "0.1", "--labels", labels);
        Assert.True(r.ExitCode == 0, r.Stderr);
        // softmax([0.2, 0, 0]) = [e^0.2, 1, 1] / (e^0.2 + 2).
        double top = Math.Exp(0.2) / (Math.Exp(0.2) + 2), rest = 1 / (Math.Exp(0.2) + 2);
        Assert.Equal(0.3792, top, 4);
        Assert.Equal(0.3104, rest, 4);
        Assert.Contains("""
            prob top-5 classes:
                  0.3792     0  blue things
                  0.3104     1  green things
                  0.3104     2  red things
            """.ReplaceLineEndings("\n"), r.Stdout);
    }

    [Fact]
    public void MobileNetV2PrintsNamedClassesForAJpeg()
    {
        var r = CliRunner.Run("run", Mnv2, "--weights", TestPaths.InTestData("mobilenetv2", "calibrated-seed1.caffemodel"),
            "--input", "data=" + TestPaths.InTestData("images", "wide-320x200.jpg"), "--mean", "103.94,116.78,123.68",
            "--scale", "0.017", "--labels", Synset, "--threads", "1");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var lines = r.Stdout.Split('\n');
        int heading = Array.IndexOf(lines, "loss top-5 classes:");
        Assert.True(heading > 0, r.Stdout);
        var names = File.ReadAllLines(Synset).Select(l => l.Trim('\'')[10..].Replace("''", "'")).ToList();
        // Each of the five lines: score, class number, and that class's name from the synset file.
        for (int i = 1; i <= 5; i++)
        {
            var parts = lines[heading + i].Trim().Split("  ", 3, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(names[int.Parse(parts[1])], parts[2]);
        }
        // The same top class as the plain top-5 line above it.
        var topFive = lines.Single(l => l.StartsWith("  top-5: ", StringComparison.Ordinal));
        Assert.Equal(topFive.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
            lines[heading + 1].Trim().Split("  ", StringSplitOptions.RemoveEmptyEntries)[1].Trim());
    }

    [Fact]
    public void FolderRunsInBatchesInNameOrder()
    {
        using var dir = new TempDir();
        var net = Write(dir, "means.prototxt", MeanNet);
        var folder = Directory.CreateDirectory(dir.File("images")).FullName;
        // Single-colour 4x3 images: the class with the largest plane wins.
        byte[] Fill(byte b, byte g, byte r) => [.. Enumerable.Range(0, 12).SelectMany(_ => new[] { b, g, r })];
        File.WriteAllBytes(Path.Combine(folder, "a-blue.bmp"), TestImages.Bmp(4, 3, Fill(3, 0, 0)));
        File.WriteAllBytes(Path.Combine(folder, "b-red.bmp"), TestImages.Bmp(4, 3, Fill(0, 0, 3)));
        File.WriteAllBytes(Path.Combine(folder, "c-green.bmp"), TestImages.Bmp(4, 3, Fill(0, 3, 0)));
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an image, skipped by its extension");
        var labels = Write(dir, "labels.txt", "blue\ngreen\nred\n");

        var r = CliRunner.Run("run", net, "--input", "data=" + folder, "--batch", "2", "--labels", labels);
        Assert.True(r.ExitCode == 0, r.Stderr);
        // softmax([3, 0, 0]) = e^3 / (e^3 + 2) = 0.9094; the others 0.04528.
        Assert.Contains("a-blue.bmp: prob top-5 classes:\n      0.9094     0  blue\n", r.Stdout);
        Assert.Contains("b-red.bmp: prob top-5 classes:\n      0.9094     2  red\n", r.Stdout);
        Assert.Contains("c-green.bmp: prob top-5 classes:\n      0.9094     1  green\n", r.Stdout);
        Assert.True(r.Stdout.IndexOf("a-blue", StringComparison.Ordinal) < r.Stdout.IndexOf("b-red", StringComparison.Ordinal));
        Assert.True(r.Stdout.IndexOf("b-red", StringComparison.Ordinal) < r.Stdout.IndexOf("c-green", StringComparison.Ordinal));
        Assert.Contains("3 image(s) in 2 batch(es) of 2", r.Stdout);
        // Redirected: no progress line.
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public void FolderWithoutLabelsPrintsEachImagesTopFive()
    {
        using var dir = new TempDir();
        var net = Write(dir, "means.prototxt", MeanNet);
        var folder = Directory.CreateDirectory(dir.File("images")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "x.bmp"), TestImages.Bmp(4, 3, [.. Enumerable.Repeat((byte)0, 36)]));
        var r = CliRunner.Run("run", net, "--input", "data=" + folder);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("x.bmp: prob top-5: 0 (0.3333) 1 (0.3333) 2 (0.3333)", r.Stdout);
        Assert.Contains("1 image(s) in 1 batch(es) of 1", r.Stdout);
    }

    [Fact]
    public void ImageThatDoesNotDecodeIsExitTwoNamingIt()
    {
        using var dir = new TempDir();
        var net = Write(dir, "means.prototxt", MeanNet);
        var bad = dir.File("photo.png");
        File.WriteAllBytes(bad, File.ReadAllBytes(TestPaths.InTestData("images", "square-224.png"))[..1000]);
        var r = CliRunner.Run("run", net, "--input", "data=" + bad);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        var line = Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("caffenet run: ", line);
        Assert.Contains(bad, line);
    }

    [Fact]
    public void BadImageInAFolderStopsTheRunWithExitTwo()
    {
        using var dir = new TempDir();
        var net = Write(dir, "means.prototxt", MeanNet);
        var folder = Directory.CreateDirectory(dir.File("images")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "a.bmp"), TestImages.Bmp(4, 3, new byte[36]));
        File.WriteAllText(Path.Combine(folder, "b.jpg"), "not a jpeg");
        var r = CliRunner.Run("run", net, "--input", "data=" + folder);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("a.bmp: prob top-5:", r.Stdout);
        var line = Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains(Path.Combine(folder, "b.jpg"), line);
        Assert.Contains("not a JPEG, PNG, BMP or WebP image", line);
    }

    [Fact]
    public void FolderTakesNoOutputFolder()
    {
        using var dir = new TempDir();
        var net = Write(dir, "means.prototxt", MeanNet);
        var folder = Directory.CreateDirectory(dir.File("images")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "a.bmp"), TestImages.Bmp(4, 3, new byte[36]));
        var r = CliRunner.Run("run", net, "--input", "data=" + folder, "--output", dir.File("out"));
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Contains("--output and --dump-all take one forward pass; a folder of images runs many", r.Stderr);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void LabelsThatMatchNoOutputAreRefused()
    {
        using var dir = new TempDir();
        var net = Write(dir, "means.prototxt", MeanNet);
        var image = TestImages.WriteBmp(dir, "labelled.bmp", 4, 3, TestImages.Labelled4x3());
        var labels = Write(dir, "labels.txt", "one\ntwo\n");
        var r = CliRunner.Run("run", net, "--input", "data=" + image, "--labels", labels);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("2 class names, but no output has 2 values per sample", r.Stderr);
    }
}
