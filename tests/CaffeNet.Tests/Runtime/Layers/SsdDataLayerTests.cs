using CaffeNet.Graph;
using CaffeNet.Runtime;

namespace CaffeNet.Tests.Runtime.Layers;

public class SsdDataLayerTests
{
    // The data layer of an SSD test net: images resized to 300x300 and their boxes.
    const string Net = """
        layer {
          name: "data" type: "AnnotatedData" top: "data" top: "label"
          transform_param { mean_value: 104 mean_value: 117 mean_value: 123 resize_param { resize_mode: WARP height: 300 width: 300 } }
          data_param { source: "test_lmdb" batch_size: 8 }
        }
        """;

    [Fact]
    public void AnnotatedDataTakesItsSizeFromTheResizeAndItsBoxCountStaysOpen()
    {
        var graph = SsdNets.Build(Net, new GraphOptions { AllowUnknownDims = true });
        Assert.Equal(new Shape(8, 3, 300, 300), graph.Inputs[0].Shape);
        Assert.Equal(Shape.Partial([1, 1, null, 8]), graph.Inputs[1].Shape);
    }

    [Fact]
    public void CropSizeWinsOverTheResize()
    {
        var graph = SsdNets.Build(Net.Replace("mean_value: 104", "crop_size: 224 mean_value: 104"), new GraphOptions { AllowUnknownDims = true });
        Assert.Equal(new Shape(8, 3, 224, 224), graph.Inputs[0].Shape);
    }

    [Fact]
    public void DetectionEvaluateIsShapedAndRefusedByNameAtRun()
    {
        // Given its shapes, the evaluation is 1 x 1 x (20 positive classes + 5 detections) x 5.
        const string text = """
            layer { name: "det" type: "Input" top: "det" input_param { shape { dim: 1 dim: 1 dim: 5 dim: 7 } } }
            layer { name: "gt" type: "Input" top: "gt" input_param { shape { dim: 1 dim: 1 dim: 3 dim: 8 } } }
            layer {
              name: "eval" type: "DetectionEvaluate" bottom: "det" bottom: "gt" top: "eval"
              detection_evaluate_param { num_classes: 21 background_label_id: 0 }
            }
            """;
        var graph = SsdNets.Build(text);
        Assert.Equal(new Shape(1, 1, 25, 5), graph.Outputs.Single().Shape);
        var e = Assert.Throws<CaffeNetException>(() => Executor.Create(graph));
        Assert.StartsWith("layer 'eval' (type DetectionEvaluate): DetectionEvaluate scores detections against ground-truth boxes", e.Message);
    }

    [Fact]
    public void DetectionEvaluateChecksTheRowWidths()
    {
        var text = SsdNets.Input("det", 1, 1, 5, 6) + SsdNets.Input("gt", 1, 1, 3, 8) +
            "layer { name: \"eval\" type: \"DetectionEvaluate\" bottom: \"det\" bottom: \"gt\" top: \"eval\" detection_evaluate_param { num_classes: 2 } }";
        var e = Assert.Throws<CaffeNetException>(() => SsdNets.Build(text));
        Assert.Contains("needs detections of shape 1 x 1 x rows x 7", e.Message);
    }
}
