using CaffeNet.Runtime;
using CaffeNet.Tests.Runtime;
using static CaffeNet.Tests.Export.SmallNet;

namespace CaffeNet.Tests.Export;

/// <summary>
/// The mappings where Caffe and ONNX differ in their conventions, on nets small enough to work out
/// by hand: ONNX Runtime must give the hand-computed values, as must our reference executor.
/// </summary>
public class OnnxMappingTests
{
    const float Tolerance = 1e-5f;

    static Dictionary<string, Tensor> Data(Tensor data) => new() { ["data"] = data };

    static void AssertBoth(SmallNet net, Dictionary<string, Tensor> inputs, string output, int[] shape, float[] expected)
    {
        foreach (var (engine, outputs) in new[] { ("ONNX Runtime", net.RunOnnx(inputs)), ("ours", net.RunOurs(inputs)) })
        {
            var actual = outputs[output];
            Assert.True(actual.Shape == new TensorShape(shape), $"{engine}: shape {actual.Shape}, expected {new TensorShape(shape)}");
            T.Close(expected, actual, Tolerance);
        }
    }

    [Fact]
    public void AveragePoolingWithPadAndCeilOverhangDividesByTheWindowClippedToThePaddedImage()
    {
        // 4x4 input 1..16 (x[h][w] = 4h + w + 1), kernel 3, stride 2, pad 1: (4 + 2 - 3) / 2 = 1.5
        // rounds up to 3 windows per axis, starting at -1, 1 and 3. The last one runs to 6, past
        // the padded image's end at 5: Caffe clips it there, so the divisors are 3, 3, 2 per
        // axis. The windows cover image rows (and columns) {0,1}, {1,2,3}, {3}.
        var net = new SmallNet(Input(1, 1, 4, 4) +
            "layer { name: 'pool' type: 'Pooling' bottom: 'data' top: 'pool' pooling_param { pool: AVE kernel_size: 3 stride: 2 pad: 1 } }");
        float[] expected =
        [
            (1 + 2 + 5 + 6) / 9f, (2 + 3 + 4 + 6 + 7 + 8) / 9f, (4 + 8) / 6f,
            (5 + 6 + 9 + 10 + 13 + 14) / 9f, (6 + 7 + 8 + 10 + 11 + 12 + 14 + 15 + 16) / 9f, (8 + 12 + 16) / 6f,
            (13 + 14) / 6f, (14 + 15 + 16) / 6f, 16 / 4f,
        ];
        AssertBoth(net, Data(T.Iota([1, 1, 4, 4], 1)), "pool", [1, 1, 3, 3], expected);
    }

    [Fact]
    public void PoolingWithoutPadInCeilModeClipsTheLastWindowToTheImage()
    {
        // 5x5 input 0..24 (x[h][w] = 5h + w), kernel 2, stride 2: (5 - 2) / 2 = 1.5 rounds up to
        // 3 windows per axis over rows {0,1}, {2,3}, {4}; AVE divides by the part in the image.
        const string layers = "layer { name: 'ave' type: 'Pooling' bottom: 'data' top: 'ave' pooling_param { pool: AVE kernel_size: 2 stride: 2 } }\n" +
            "layer { name: 'max' type: 'Pooling' bottom: 'data' top: 'max' pooling_param { pool: MAX kernel_size: 2 stride: 2 } }";
        var net = new SmallNet(Input(1, 1, 5, 5) + layers);
        var inputs = Data(T.Iota([1, 1, 5, 5]));
        AssertBoth(net, inputs, "ave", [1, 1, 3, 3],
            [(0 + 1 + 5 + 6) / 4f, (2 + 3 + 7 + 8) / 4f, (4 + 9) / 2f, (10 + 11 + 15 + 16) / 4f, (12 + 13 + 17 + 18) / 4f, (14 + 19) / 2f,
                (20 + 21) / 2f, (22 + 23) / 2f, 24]);
        AssertBoth(net, inputs, "max", [1, 1, 3, 3], [6, 8, 9, 16, 18, 19, 21, 23, 24]);
    }

    [Fact]
    public void BatchNormDividesItsStoredSumsByTheScaleFactor()
    {
        // Sums mean (2, -4), variance (8, 18) with factor 2: mean (1, -2), variance (4, 9).
        var net = new SmallNet(Input(1, 2, 1, 2) +
            $"layer {{ name: 'bn' type: 'BatchNorm' bottom: 'data' top: 'bn' {Blob([2], 2, -4)} {Blob([2], 8, 18)} {Blob([1], 2)} }}");
        var x = T.Of([1, 2, 1, 2], 1, 3, -2, 4);
        AssertBoth(net, Data(x), "bn", [1, 2, 1, 2], [(1 - 1) / 2f, (3 - 1) / 2f, (-2 + 2) / 3f, (4 + 2) / 3f]);
    }

    [Fact]
    public void BatchNormWithBatchStatisticsNormalisesOverBatchAndSpace()
    {
        // Channel 0 holds 1, 3 (item 0) and 5, 7 (item 1): mean 4, variance (9 + 1 + 1 + 9) / 4 = 5.
        var net = new SmallNet(Input(2, 1, 1, 2) +
            "layer { name: 'bn' type: 'BatchNorm' bottom: 'data' top: 'bn' batch_norm_param { use_global_stats: false } }");
        float s = MathF.Sqrt(5 + 1e-5f);
        AssertBoth(net, Data(T.Of([2, 1, 1, 2], 1, 3, 5, 7)), "bn", [2, 1, 1, 2], [-3 / s, -1 / s, 1 / s, 3 / s]);
    }

    [Fact]
    public void ScaleSpanningTheFirstTwoAxesWithBias()
    {
        // Input 2x3x2 holds 0..11 (x[i][j][k] = 6i + 2j + k); the factor and bias span axes 0 and 1.
        var net = new SmallNet(Input(2, 3, 2) +
            "layer { name: 'scale' type: 'Scale' bottom: 'data' top: 'scale' scale_param { axis: 0 num_axes: 2 bias_term: true } " +
            $"{Blob([2, 3], 1, 2, 3, 4, 5, 6)} {Blob([2, 3], 10, 20, 30, 40, 50, 60)} }}");
        AssertBoth(net, Data(T.Iota([2, 3, 2])), "scale", [2, 3, 2],
            [0 * 1 + 10, 1 * 1 + 10, 2 * 2 + 20, 3 * 2 + 20, 4 * 3 + 30, 5 * 3 + 30, 6 * 4 + 40, 7 * 4 + 40, 8 * 5 + 50, 9 * 5 + 50, 10 * 6 + 60, 11 * 6 + 60]);
    }

    [Fact]
    public void ScaleByASecondBottomAndBiasOnTheLastAxis()
    {
        // The factor (1, 10, 100) comes in as a bottom and runs along axis 1; the bias (0.5, -0.5) along axis 2.
        var net = new SmallNet(Input(2, 3, 2) +
            "layer { name: 'f' type: 'Input' top: 'f' input_param { shape { dim: 3 } } }\n" +
            "layer { name: 'scale' type: 'Scale' bottom: 'data' bottom: 'f' top: 'scale' }\n" +
            $"layer {{ name: 'bias' type: 'Bias' bottom: 'scale' top: 'bias' bias_param {{ axis: 2 num_axes: 1 }} {Blob([2], 0.5f, -0.5f)} }}");
        var inputs = new Dictionary<string, Tensor> { ["data"] = T.Iota([2, 3, 2]), ["f"] = T.Of([3], 1, 10, 100) };
        AssertBoth(net, inputs, "bias", [2, 3, 2],
            [0.5f, 0.5f, 20.5f, 29.5f, 400.5f, 499.5f, 6.5f, 6.5f, 80.5f, 89.5f, 1000.5f, 1099.5f]);
    }

    [Fact]
    public void EltwiseSumWithCoefficients()
    {
        var net = new SmallNet(
            "layer { name: 'a' type: 'Input' top: 'a' input_param { shape { dim: 1 dim: 2 } } }\n" +
            "layer { name: 'b' type: 'Input' top: 'b' input_param { shape { dim: 1 dim: 2 } } }\n" +
            "layer { name: 'c' type: 'Input' top: 'c' input_param { shape { dim: 1 dim: 2 } } }\n" +
            "layer { name: 'sum' type: 'Eltwise' bottom: 'a' bottom: 'b' bottom: 'c' top: 'sum' eltwise_param { operation: SUM coeff: 1 coeff: -2 coeff: 0.5 } }");
        var inputs = new Dictionary<string, Tensor> { ["a"] = T.Of([1, 2], 1, 2), ["b"] = T.Of([1, 2], 3, 4), ["c"] = T.Of([1, 2], 5, 6) };
        AssertBoth(net, inputs, "sum", [1, 2], [1 - 2 * 3 + 0.5f * 5, 2 - 2 * 4 + 0.5f * 6]);
    }

    [Fact]
    public void PReLUPerChannelAndShared()
    {
        var net = new SmallNet(Input(1, 2, 1, 2) +
            $"layer {{ name: 'channel' type: 'PReLU' bottom: 'data' top: 'channel' {Blob([2], 0.5f, 0.25f)} }}\n" +
            $"layer {{ name: 'shared' type: 'PReLU' bottom: 'data' top: 'shared' prelu_param {{ channel_shared: true }} {Blob([], 0.1f)} }}");
        var inputs = Data(T.Of([1, 2, 1, 2], -1, 2, -3, 4));
        AssertBoth(net, inputs, "channel", [1, 2, 1, 2], [-0.5f, 2, -0.75f, 4]);
        AssertBoth(net, inputs, "shared", [1, 2, 1, 2], [-0.1f, 2, -0.3f, 4]);
    }

    [Fact]
    public void ReshapeWithCopiedAndInferredDimsAndWithAnAxisSpan()
    {
        // 2x3x4: (0, -1, 2) copies 2, infers 24 / (2 * 2) = 6; axis 1 with num_axes 1 replaces the 3 by 3x1;
        // axis -1 with num_axes 0 inserts a 1 after the last axis. Reshapes keep the element order.
        var net = new SmallNet(Input(2, 3, 4) +
            "layer { name: 'r1' type: 'Reshape' bottom: 'data' top: 'r1' reshape_param { shape { dim: 0 dim: -1 dim: 2 } } }\n" +
            "layer { name: 'r2' type: 'Reshape' bottom: 'data' top: 'r2' reshape_param { shape { dim: 3 dim: 1 } axis: 1 num_axes: 1 } }\n" +
            "layer { name: 'r3' type: 'Reshape' bottom: 'data' top: 'r3' reshape_param { shape { dim: 1 } axis: -1 num_axes: 0 } }");
        var inputs = Data(T.Iota([2, 3, 4]));
        var order = Enumerable.Range(0, 24).Select(i => (float)i).ToArray();
        AssertBoth(net, inputs, "r1", [2, 6, 2], order);
        AssertBoth(net, inputs, "r2", [2, 3, 1, 4], order);
        AssertBoth(net, inputs, "r3", [2, 3, 4, 1], order);
    }

    [Fact]
    public void SliceAtItsPoints()
    {
        var net = new SmallNet(Input(1, 5, 1, 1) +
            "layer { name: 'slice' type: 'Slice' bottom: 'data' top: 'p0' top: 'p1' top: 'p2' slice_param { axis: 1 slice_point: 1 slice_point: 3 } }");
        var inputs = Data(T.Iota([1, 5, 1, 1]));
        AssertBoth(net, inputs, "p0", [1, 1, 1, 1], [0]);
        AssertBoth(net, inputs, "p1", [1, 2, 1, 1], [1, 2]);
        AssertBoth(net, inputs, "p2", [1, 2, 1, 1], [3, 4]);
    }

    [Fact]
    public void ArgMaxPutsTheLargerIndexFirstAmongEqualValues()
    {
        // (3, 7, 7, 1): Caffe ranks (7, index 2) before (7, index 1).
        var net = new SmallNet(Input(1, 1, 1, 4) +
            "layer { name: 'axis' type: 'ArgMax' bottom: 'data' top: 'axis' argmax_param { axis: 3 top_k: 2 } }\n" +
            "layer { name: 'flat' type: 'ArgMax' bottom: 'data' top: 'flat' argmax_param { top_k: 2 out_max_val: true } }");
        var inputs = Data(T.Of([1, 1, 1, 4], 3, 7, 7, 1));
        AssertBoth(net, inputs, "axis", [1, 1, 1, 2], [2, 1]);
        AssertBoth(net, inputs, "flat", [1, 2, 2, 1], [2, 1, 7, 7]);
    }
}
