using System.Text.Json;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Npy;

namespace CaffeNet.Tests.Cli;

/// <summary>`caffenet run` on a DetectionOutput: the rows found written, and listed readably.</summary>
public class RunDetectionTests
{
    // One image, two priors P0 = (0.1, 0.2, 0.3, 0.4) and P1 = (0.5, 0.5, 0.9, 0.7), zero location
    // codes (so the boxes are the priors), class 1's scores 0.8 and 0.4; they do not overlap, so
    // both pass NMS and the 0.3 threshold. keep_top_k 10 plans 10 rows; 2 are found.
    const string Net = """
        name: "det"
        layer { name: "loc" type: "Input" top: "loc" input_param { shape { dim: 1 dim: 8 } } }
        layer { name: "conf" type: "Input" top: "conf" input_param { shape { dim: 1 dim: 4 } } }
        layer { name: "prior" type: "Input" top: "prior" input_param { shape { dim: 1 dim: 2 dim: 8 } } }
        layer {
          name: "det" type: "DetectionOutput" bottom: "loc" bottom: "conf" bottom: "prior" top: "det"
          detection_output_param { num_classes: 2 code_type: CENTER_SIZE keep_top_k: 10 confidence_threshold: 0.3 nms_param { nms_threshold: 0.45 } }
        }
        """;

    static string[] Inputs(TempDir dir)
    {
        NpyFile.Write(dir.File("loc.npy"), new Tensor([1, 8]));
        NpyFile.Write(dir.File("conf.npy"), Tensor.From([1, 4], [0.2f, 0.8f, 0.6f, 0.4f]));
        NpyFile.Write(dir.File("prior.npy"), Tensor.From([1, 2, 8], [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.5f, 0.9f, 0.7f, 0.1f, 0.1f, 0.2f, 0.2f, 0.1f, 0.1f, 0.2f, 0.2f]));
        File.WriteAllText(dir.File("det.prototxt"), Net);
        return ["run", dir.File("det.prototxt"), "--input", "loc=" + dir.File("loc.npy"), "--input", "conf=" + dir.File("conf.npy"),
            "--input", "prior=" + dir.File("prior.npy")];
    }

    [Fact]
    public void RunWritesTheRowsFoundAndListsThem()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run([.. Inputs(dir), "--output", dir.File("out")]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var rows = NpyFile.Read(dir.File("out/det.npy"));
        Assert.Equal(new TensorShape(1, 1, 2, 7), rows.Shape);
        Runtime.T.Close([0, 1, 0.8f, 0.1f, 0.2f, 0.3f, 0.4f, 0, 1, 0.4f, 0.5f, 0.5f, 0.9f, 0.7f], rows, 1e-6f);
        Assert.Contains("det: shape 1x1x2x7", r.Stdout);
        Assert.Contains("""
              2 detections (box corners as fractions of the image):
                image 0  class 1  score 0.8000  box (0.1000, 0.2000)-(0.3000, 0.4000)
                image 0  class 1  score 0.4000  box (0.5000, 0.5000)-(0.9000, 0.7000)
            """.ReplaceLineEndings("\n"), r.Stdout.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void JsonGivesEveryDetection()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run([.. Inputs(dir), "--json"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var output = JsonDocument.Parse(r.Stdout).RootElement.GetProperty("outputs")[0];
        var detections = output.GetProperty("detections").EnumerateArray().ToList();
        Assert.Equal(2, detections.Count);
        Assert.Equal(1, detections[1].GetProperty("class").GetInt32());
        Assert.Equal(0.4, detections[1].GetProperty("score").GetDouble(), 6);
        Assert.Equal([0.5, 0.5, 0.9, 0.7], detections[1].GetProperty("box").EnumerateArray().Select(v => Math.Round(v.GetDouble(), 6)));
    }
}
