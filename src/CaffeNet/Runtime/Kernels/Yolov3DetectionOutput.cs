namespace CaffeNet.Runtime.Kernels;

/// <summary>
/// YOLOv3's decoding. <paramref name="Biases"/>: (width, height) of every anchor in input pixels;
/// <paramref name="Mask"/>: the anchors of each scale, <paramref name="Groups"/> apart;
/// <paramref name="AnchorsScale"/>: each scale's stride in input pixels.
/// </summary>
internal sealed record YoloV3Params(int Classes, int Boxes, float ConfidenceThreshold, float NmsThreshold,
    float[] Biases, int[] Mask, int Groups, int[] AnchorsScale, bool GaussianBox);

/// <summary>
/// The MobileNet-YOLO fork's Yolov3DetectionOutput. Bottom t is N x (num_box * len) x H x W, box
/// n's len channels being tx, ty, tw, th, objectness and the class scores (len = 5 + classes),
/// or with gaussian_box tx, σx, ty, σy, tw, σw, th, σh, objectness and the scores (len = 9 +
/// classes, the objectness weighed by the mean certainty 1 - σ of the four). A box is
/// x = (column + σ(tx)) / W, y = (row + σ(ty)) / H, w = e^tw * anchor_w / (W * stride),
/// h = e^th * anchor_h / (H * stride); each class whose σ(score) times σ(objectness) is above
/// the threshold gives a candidate of that class and confidence.
/// </summary>
internal static class Yolov3DetectionOutput
{
    public static int Forward(ReadOnlySpan<Tensor> inputs, YoloV3Params p, Span<float> output)
    {
        var boxes = new List<YoloBox>();
        var scores = new float[p.Classes];
        int len = (p.GaussianBox ? 9 : 5) + p.Classes;
        int maskOffset = 0, prediction = 0;
        for (int t = 0; t < inputs.Length; t++)
        {
            var input = inputs[t];
            int num = input.Shape[0], channels = input.Shape[1], height = input.Shape[2], width = input.Shape[3];
            int plane = height * width;
            int netW = width * p.AnchorsScale[t], netH = height * p.AnchorsScale[t];
            var x = input.Span;
            for (int b = 0; b < num; b++)
            {
                for (int cell = 0; cell < plane; cell++)
                {
                    int row = cell / width, column = cell % width;
                    for (int n = 0; n < p.Boxes; n++)
                    {
                        int at = b * channels * plane + n * len * plane + cell;
                        int first = p.GaussianBox ? 9 : 5;
                        float objectness;
                        if (p.GaussianBox)
                        {
                            double uncertainty = 4.0;
                            for (int k = 1; k < 8; k += 2)
                                uncertainty -= YoloBoxes.Sigmoid(x[at + k * plane]);
                            objectness = (float)(YoloBoxes.Sigmoid(x[at + 8 * plane]) * uncertainty / 4.0);
                        }
                        else
                            objectness = YoloBoxes.Sigmoid(x[at + 4 * plane]);
                        int anchor = p.Mask[n + maskOffset];
                        float bx = (column + YoloBoxes.Sigmoid(x[at + 0 * plane])) / width;
                        float by = (row + YoloBoxes.Sigmoid(x[at + (p.GaussianBox ? 2 : 1) * plane])) / height;
                        float bw = MathF.Exp(x[at + (p.GaussianBox ? 4 : 2) * plane]) * p.Biases[2 * anchor] / netW;
                        float bh = MathF.Exp(x[at + (p.GaussianBox ? 6 : 3) * plane]) * p.Biases[2 * anchor + 1] / netH;
                        int group = prediction++;
                        for (int k = 0; k < p.Classes; k++)
                        {
                            float confidence = YoloBoxes.Sigmoid(x[at + (first + k) * plane]) * objectness;
                            if (confidence > p.ConfidenceThreshold)
                                boxes.Add(new YoloBox(b, bx, by, bw, bh, k, confidence, group));
                        }
                    }
                }
            }
            maskOffset += p.Groups;
        }
        return YoloBoxes.Write(boxes, inputs[0].Shape[0], p.NmsThreshold, output);
    }
}
