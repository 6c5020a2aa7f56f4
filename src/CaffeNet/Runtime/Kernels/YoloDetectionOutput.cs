namespace CaffeNet.Runtime.Kernels;

/// <summary>YOLOv2's decoding: <paramref name="Biases"/> holds num_box (width, height) anchor pairs in cells.</summary>
internal sealed record YoloV2Params(int Classes, int Boxes, float ConfidenceThreshold, float NmsThreshold, float[] Biases);

/// <summary>
/// The MobileNet-YOLO fork's YoloDetectionOutput (YOLOv2's region output). Each bottom is
/// N x (num_box * (5 + classes + ...)) x S x S; the channels of box n start at n * C / num_box:
/// tx, ty, tw, th, objectness, then the class scores. A box is x = (column + σ(tx)) / S,
/// y = (row + σ(ty)) / S, w = e^tw * anchor_w / S, h = e^th * anchor_h / S, with confidence
/// σ(objectness) times its best softmax class probability; it is a candidate when that is at
/// least the threshold.
/// </summary>
internal static class YoloDetectionOutput
{
    public static int Forward(ReadOnlySpan<Tensor> inputs, YoloV2Params p, Span<float> output)
    {
        var boxes = new List<YoloBox>();
        var scores = new float[p.Classes];
        foreach (var input in inputs)
        {
            int num = input.Shape[0], channels = input.Shape[1], side = input.Shape[3];
            Require.Model(input.Shape[2] == side, $"YoloDetectionOutput: needs square inputs, got {input.Shape}");
            int len = channels / p.Boxes, plane = side * side;
            var x = input.Span;
            for (int b = 0; b < num; b++)
            {
                for (int row = 0; row < side; row++)
                {
                    for (int column = 0; column < side; column++)
                    {
                        int cell = row * side + column;
                        for (int n = 0; n < p.Boxes; n++)
                        {
                            int at = (b * channels + n * len) * plane + cell;
                            for (int k = 0; k < p.Classes; k++)
                                scores[k] = x[at + (5 + k) * plane];
                            var (best, probability) = Softmax(scores);
                            float confidence = YoloBoxes.Sigmoid(x[at + 4 * plane]) * probability;
                            if (!(confidence >= p.ConfidenceThreshold)) continue;
                            boxes.Add(new YoloBox(b,
                                (column + YoloBoxes.Sigmoid(x[at + 0 * plane])) / side,
                                (row + YoloBoxes.Sigmoid(x[at + 1 * plane])) / side,
                                MathF.Exp(x[at + 2 * plane]) * p.Biases[2 * n] / side,
                                MathF.Exp(x[at + 3 * plane]) * p.Biases[2 * n + 1] / side,
                                best, confidence, boxes.Count));
                        }
                    }
                }
            }
        }
        return YoloBoxes.Write(boxes, inputs[0].Shape[0], p.NmsThreshold, output);
    }

    /// <summary>The fork's class_index_and_score: softmax in float, then the first class of the highest probability.</summary>
    static (int Class, float Probability) Softmax(float[] scores)
    {
        float large = scores[0];
        foreach (var s in scores) if (s > large) large = s;
        float sum = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = MathF.Exp(scores[i] - large);
            sum += scores[i];
        }
        int best = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] /= sum;
            if (scores[i] > scores[best]) best = i;
        }
        return (best, scores[best]);
    }
}
