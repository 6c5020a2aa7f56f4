namespace CaffeNet.Tests.Api;

/// <summary>A DetectionOutput net through CaffeModel: the rows found, with their count in the shape, from every thread.</summary>
public class CaffeModelDetectionTests
{
    // The hand-worked case of Runtime/Layers/DetectionOutputTests: three priors, classes 1 and 2
    // (0 the background), a batch of two; image 0 gives (1, 0.7), (2, 0.45), (2, 0.3), image 1 nothing.
    const string Net = """
        layer { name: "loc" type: "Input" top: "loc" input_param { shape { dim: 2 dim: 12 } } }
        layer { name: "conf" type: "Input" top: "conf" input_param { shape { dim: 2 dim: 9 } } }
        layer { name: "prior" type: "Input" top: "prior" input_param { shape { dim: 1 dim: 2 dim: 12 } } }
        layer { name: "det" type: "DetectionOutput" bottom: "loc" bottom: "conf" bottom: "prior" top: "det"
          detection_output_param { num_classes: 3 background_label_id: 0 code_type: CENTER_SIZE
            nms_param { nms_threshold: 0.45 } confidence_threshold: 0.1 } }
        """;

    static readonly float[] Loc = [0, 0, 5 * MathF.Log(2), 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    static readonly float[] Conf = [0.1f, 0.7f, 0.2f, 0.1f, 0.6f, 0.3f, 0.5f, 0.05f, 0.45f, 0.8f, 0.1f, 0.1f, 0.8f, 0.1f, 0.1f, 0.9f, 0.05f, 0.05f];

    // Nothing above the threshold in either image.
    static readonly float[] NoConf = [.. Enumerable.Range(0, 6).SelectMany(_ => new[] { 0.9f, 0.05f, 0.05f })];

    static readonly float[] Priors = [0.1f, 0.1f, 0.3f, 0.3f, 0.12f, 0.1f, 0.32f, 0.3f, 0.6f, 0.6f, 0.8f, 0.9f,
        0.1f, 0.1f, 0.2f, 0.2f, 0.1f, 0.1f, 0.2f, 0.2f, 0.1f, 0.1f, 0.2f, 0.2f];

    [Fact]
    public void TheRowsFoundAreTheOutputAndItsDetections()
    {
        using var model = ApiModels.FromText(Net);
        using var result = model.Run(new ModelInput("loc", Loc), new ModelInput("conf", Conf), new ModelInput("prior", Priors));
        Assert.Equal(new Shape(1, 1, 3, 7), result["det"].Shape);
        Assert.Equal([(0, 1, 0.7f), (0, 2, 0.45f), (0, 2, 0.3f)], result["det"].Detections().Select(d => (d.Image, d.Label, d.Score)));
        var box = result["det"].Detections()[1].Box;
        Assert.Equal(0.62f, box.XMin, 5);
        Assert.Equal(0.9f, box.YMax, 5);
    }

    [Fact]
    public void RunsOnManyThreadsEachSeeTheirOwnRows()
    {
        using var model = ApiModels.FromText(Net);
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            for (int call = 0; call < 25; call++)
            {
                bool some = (i + call) % 2 == 0;
                using var result = model.Run(new ModelInput("loc", Loc), new ModelInput("conf", some ? Conf : NoConf), new ModelInput("prior", Priors));
                Assert.Equal(some ? 3 : 0, result["det"].Detections().Count);
            }
        });
    }
}
