using CaffeNet.Proto;
using CaffeNet.Runtime;
using static CaffeNet.Tests.Graph.Nets;

namespace CaffeNet.Tests.Runtime;

/// <summary>
/// Folding scales the weights eight at a time (double vectors, narrowed to float); every float must
/// be the one the formula gives one at a time in double: (float)(w · k), k = γ / sqrt(var/f + eps).
/// </summary>
public class FoldedWeightsTests
{
    static BlobProto Blob(long[] dims, IEnumerable<float> values)
    {
        var blob = new BlobProto { Shape = new BlobShape() };
        blob.Shape.Dim.AddRange(dims);
        blob.Data.AddRange(values);
        return blob;
    }

    [Fact]
    public void VectorFoldingGivesTheScalarFormulasFloats()
    {
        // 3 outputs of 2x3x3 = 18 weights each: two vectors of 8 and a tail of 2 per output.
        const int outputs = 3, perOutput = 18;
        var random = new Random(7);
        float Value() => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-40, 30)));
        var w = Enumerable.Range(0, outputs * perOutput).Select(_ => Value()).ToArray();
        w[5] = float.Epsilon;
        w[20] = -0f;
        w[40] = float.MaxValue;
        var mean = new[] { 0.25f, -3f, 7f };
        var variance = new[] { 2f, 0.5f, 9f };
        const float factor = 3f, eps = 1e-5f;
        var gamma = new[] { 1.5f, -0.75f, 1e-3f };
        var beta = new[] { 0.5f, 2f, -1f };

        var conv = Layer("conv", "Convolution", "data", "c");
        conv.ConvolutionParam = new ConvolutionParameter { NumOutput = outputs, BiasTerm = false, KernelSize = { 3 } };
        conv.Blobs.Add(Blob([outputs, 2, 3, 3], w));
        var bn = Layer("bn", "BatchNorm", "c", "c");
        bn.BatchNormParam = new BatchNormParameter { Eps = eps };
        bn.Blobs.Add(Blob([outputs], mean));
        bn.Blobs.Add(Blob([outputs], variance));
        bn.Blobs.Add(Blob([1], [factor]));
        var scale = Layer("scale", "Scale", "c", "c");
        scale.ScaleParam = new ScaleParameter { BiasTerm = true };
        scale.Blobs.Add(Blob([outputs], gamma));
        scale.Blobs.Add(Blob([outputs], beta));

        var folded = NetFolder.Fold(Of(Input("data", 1, 2, 5, 5), conv, bn, scale)).Weights.Layer[1];

        for (int o = 0; o < outputs; o++)
        {
            double s = 1.0 / factor;
            double k = 1 / Math.Sqrt(variance[o] * s + eps) * gamma[o];
            double shift = -(mean[o] * s) * (1 / Math.Sqrt(variance[o] * s + eps)) * gamma[o] + beta[o];
            for (int i = 0; i < perOutput; i++)
            {
                float want = (float)(w[o * perOutput + i] * k);
                Assert.Equal(BitConverter.SingleToInt32Bits(want), BitConverter.SingleToInt32Bits(folded.Blobs[0].Data[o * perOutput + i]));
            }
            Assert.Equal((float)(0f * k + shift), folded.Blobs[1].Data[o]);
        }
    }
}
