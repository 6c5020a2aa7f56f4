using System.Text.Json;
using CaffeNet.Tests.Runtime.Images;

namespace CaffeNet.Tests.Cli;

/// <summary>`caffenet run --json` with image inputs: class names from --labels, and a folder as one JSON line per image.</summary>
public class RunImageJsonTests
{
    /// <summary>Global average of each plane, then softmax over the three: the planes' means decide the classes.</summary>
    const string MeanNet = """
        name: "means"
        layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 3 dim: 4 } } }
        layer { name: "pool" type: "Pooling" bottom: "data" top: "pool" pooling_param { pool: AVE global_pooling: true } }
        layer { name: "prob" type: "Softmax" bottom: "pool" top: "prob" }
        """;

    // softmax([3, 0, 0]): e^3 / (e^3 + 2) and 1 / (e^3 + 2).
    static readonly double Winner = Math.Exp(3) / (Math.Exp(3) + 2), Loser = 1 / (Math.Exp(3) + 2);

    static string Write(TempDir dir, string name, string text)
    {
        var path = dir.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Three single-colour 4x3 images, a-blue, b-red and c-green (channel value 3 in its colour, 0 elsewhere).</summary>
    static string ColourFolder(TempDir dir)
    {
        var folder = Directory.CreateDirectory(dir.File("images")).FullName;
        byte[] Fill(byte b, byte g, byte r) => [.. Enumerable.Range(0, 12).SelectMany(_ => new[] { b, g, r })];
        File.WriteAllBytes(Path.Combine(folder, "a-blue.bmp"), TestImages.Bmp(4, 3, Fill(3, 0, 0)));
        File.WriteAllBytes(Path.Combine(folder, "b-red.bmp"), TestImages.Bmp(4, 3, Fill(0, 0, 3)));
        File.WriteAllBytes(Path.Combine(folder, "c-green.bmp"), TestImages.Bmp(4, 3, Fill(0, 3, 0)));
        return folder;
    }

    [Fact]
    public void JsonWithLabelsNamesEachTopClass()
    {
        // Plane means of the labelled image after --mean 14,101.5,210 and --scale 0.1: 0.2, 0, 0.
        using var dir = new TempDir();
        var net = Write(dir, "means.prototxt", MeanNet);
        var image = TestImages.WriteBmp(dir, "labelled.bmp", 4, 3, TestImages.Labelled4x3());
        var labels = Write(dir, "labels.txt", "n00000001 blue things\nn00000002 green things\nn00000003 red things\n");
        var r = CliRunner.Run("run", net, "--input", "data=" + image, "--mean", "14,101.5,210", "--scale", "0.1", "--labels", labels, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var prob = doc.RootElement.GetProperty("outputs").EnumerateArray().Single();
        Assert.Equal("prob", prob.GetProperty("name").GetString());
        var top = prob.GetProperty("top5").EnumerateArray().Single().EnumerateArray().ToList();
        Assert.Equal(["blue things", "green things", "red things"], top.Select(t => t.GetProperty("label").GetString()));
        Assert.Equal([0, 1, 2], top.Select(t => t.GetProperty("class").GetInt32()));
        double e = Math.Exp(0.2);
        Assert.Equal(e / (e + 2), top[0].GetProperty("score").GetDouble(), 6);
        Assert.Equal(1 / (e + 2), top[2].GetProperty("score").GetDouble(), 6);
    }

    [Fact]
    public void JsonWithLabelsNamesRawScoresToo()
    {
        // No softmax: the pooled planes are not probabilities, but the labels say they are class scores.
        using var dir = new TempDir();
        var net = Write(dir, "means.prototxt", MeanNet.Replace("""layer { name: "prob" type: "Softmax" bottom: "pool" top: "prob" }""", ""));
        var image = TestImages.WriteBmp(dir, "labelled.bmp", 4, 3, TestImages.Labelled4x3());
        var labels = Write(dir, "labels.txt", "blue\ngreen\nred\n");
        var r = CliRunner.Run("run", net, "--input", "data=" + image, "--labels", labels, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout);
        var top = doc.RootElement.GetProperty("outputs")[0].GetProperty("top5")[0].EnumerateArray().ToList();
        // Plane means B 16, G 101.5, R 210.
        Assert.Equal(["red", "green", "blue"], top.Select(t => t.GetProperty("label").GetString()));
        Assert.Equal([210, 101.5, 16], top.Select(t => t.GetProperty("score").GetDouble()));
    }

    [Fact]
    public void FolderWithJsonIsOneLinePerImageInNameOrder()
    {
        using var dir = new TempDir();
        var net = Write(dir, "means.prototxt", MeanNet);
        var folder = ColourFolder(dir);
        var labels = Write(dir, "labels.txt", "blue\ngreen\nred\n");
        var r = CliRunner.Run("run", net, "--input", "data=" + folder, "--batch", "2", "--labels", labels, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("", r.Stderr);
        var lines = r.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        (string File, string Label)[] expected = [("a-blue.bmp", "blue"), ("b-red.bmp", "red"), ("c-green.bmp", "green")];
        for (int i = 0; i < 3; i++)
        {
            using var doc = JsonDocument.Parse(lines[i]);
            Assert.Equal(expected[i].File, doc.RootElement.GetProperty("file").GetString());
            var prob = doc.RootElement.GetProperty("outputs").EnumerateArray().Single();
            Assert.Equal([1, 3, 1, 1], prob.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
            var top = prob.GetProperty("top5").EnumerateArray().Single().EnumerateArray().ToList();
            Assert.Equal(expected[i].Label, top[0].GetProperty("label").GetString());
            Assert.Equal(Winner, top[0].GetProperty("score").GetDouble(), 5);
            Assert.Equal(Loser, top[1].GetProperty("score").GetDouble(), 5);
            Assert.Equal(Winner, prob.GetProperty("max").GetDouble(), 5);
            Assert.Equal(1.0 / 3, prob.GetProperty("mean").GetDouble(), 5);
        }
    }

    [Fact]
    public void FolderWithJsonWithoutLabelsGivesClassNumbersOnly()
    {
        using var dir = new TempDir();
        var net = Write(dir, "means.prototxt", MeanNet);
        var folder = ColourFolder(dir);
        var r = CliRunner.Run("run", net, "--input", "data=" + folder, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var lines = r.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal([0, 2, 1], lines.Select(l =>
        {
            using var doc = JsonDocument.Parse(l);
            var best = doc.RootElement.GetProperty("outputs")[0].GetProperty("top5")[0][0];
            Assert.False(best.TryGetProperty("label", out _));
            return best.GetProperty("class").GetInt32();
        }));
    }
}

/// <summary>A folder through a DetectionOutput, whose rows hold the whole batch: each image's JSON line lists its own detections.</summary>
public class RunImageDetectionJsonTests
{
    // Blue and green plane means become the two class scores (softmax), one prior covering the
    // middle of the 4x3 image, zero location codes (Caffe fills a convolution without a filler with zeros).
    const string DetNet = """
        name: "det"
        layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 dim: 3 dim: 4 } } }
        layer { name: "pool" type: "Pooling" bottom: "data" top: "pool" pooling_param { pool: AVE global_pooling: true } }
        layer { name: "loc" type: "Convolution" bottom: "pool" top: "loc" convolution_param { num_output: 4 kernel_size: 1 } }
        layer { name: "split" type: "Slice" bottom: "pool" top: "bg" top: "rest" slice_param { axis: 1 slice_point: 2 } }
        layer { name: "drop" type: "Silence" bottom: "rest" }
        layer { name: "conf" type: "Softmax" bottom: "bg" top: "conf" }
        layer { name: "prior" type: "PriorBox" bottom: "pool" bottom: "data" top: "prior" prior_box_param { min_size: 2 } }
        layer {
          name: "det" type: "DetectionOutput" bottom: "loc" bottom: "conf" bottom: "prior" top: "det"
          detection_output_param { num_classes: 2 code_type: CENTER_SIZE keep_top_k: 10 confidence_threshold: 0.01 nms_param { nms_threshold: 0.45 } }
        }
        """;

    [Fact]
    public void EachImageGetsItsOwnDetectionsAsImageZero()
    {
        using var dir = new TempDir();
        var net = dir.File("det.prototxt");
        File.WriteAllText(net, DetNet);
        var folder = Directory.CreateDirectory(dir.File("images")).FullName;
        byte[] Fill(byte b, byte g, byte r) => [.. Enumerable.Range(0, 12).SelectMany(_ => new[] { b, g, r })];
        File.WriteAllBytes(Path.Combine(folder, "a-blue.bmp"), TestImages.Bmp(4, 3, Fill(3, 0, 0)));
        File.WriteAllBytes(Path.Combine(folder, "b-red.bmp"), TestImages.Bmp(4, 3, Fill(0, 0, 3)));
        File.WriteAllBytes(Path.Combine(folder, "c-green.bmp"), TestImages.Bmp(4, 3, Fill(0, 3, 0)));
        var r = CliRunner.Run("run", net, "--input", "data=" + folder, "--batch", "2", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var lines = r.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        // Class 1's score is softmax over (blue, green) means: blue image e^0/(e^3+1), red 1/2, green e^3/(e^3+1).
        double[] expected = [1 / (Math.Exp(3) + 1), 0.5, Math.Exp(3) / (Math.Exp(3) + 1)];
        for (int i = 0; i < 3; i++)
        {
            using var doc = JsonDocument.Parse(lines[i]);
            var det = doc.RootElement.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "det");
            var found = Assert.Single(det.GetProperty("detections").EnumerateArray());
            Assert.Equal(0, found.GetProperty("image").GetInt32());
            Assert.Equal(1, found.GetProperty("class").GetInt32());
            Assert.Equal(expected[i], found.GetProperty("score").GetDouble(), 5);
            // The prior: 2 pixels square around the centre (2, 1.5) of the 4x3 image.
            Assert.Equal([0.25, 1 / 6.0, 0.75, 5 / 6.0], found.GetProperty("box").EnumerateArray().Select(v => Math.Round(v.GetDouble(), 5)),
                new Comparison(1e-5));
        }

        // Text: one line for the whole batch's detection rows, no crash on the second image.
        var text = CliRunner.Run("run", net, "--input", "data=" + folder, "--batch", "2");
        Assert.True(text.ExitCode == 0, text.Stderr);
        Assert.Contains("a-blue.bmp, b-red.bmp: det shape 1x1x2x7", text.Stdout);
    }

    sealed class Comparison(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;

        public int GetHashCode(double value) => 0;
    }
}
