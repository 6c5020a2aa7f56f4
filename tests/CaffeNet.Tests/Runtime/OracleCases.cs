using CaffeNet.Runtime;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Tests.Runtime;

/// <summary>
/// One-layer nets run by OpenCV DNN and by our kernels, on seeded random data. The layer whose
/// output is compared is named after its top, since OpenCV fetches outputs by layer name; inputs
/// are 4-D because cv2 reads a 3-D array as a multi-channel image. Not here, as OpenCV 4.6
/// lacks them: Bias, Clip, Threshold, InnerProduct's transpose (ignored), LRN's k (taken as 1), and the
/// loss and accuracy layers; hand-worked tests cover those.
/// </summary>
static class OracleCases
{
    static Tensor R(TensorShape shape, ulong seed, float scale = 1) => T.Random(shape, seed, scale);

    static Tensor Positive(TensorShape shape, ulong seed)
    {
        var t = T.Random(shape, seed);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++)
            s[i] = Math.Abs(s[i]) + 0.1f;
        return t;
    }

    static OracleCase Unary(string name, string layer, Tensor x, Func<Tensor, Tensor> ours, Dictionary<string, Tensor[]>? blobs = null) =>
        new(name, layer, new() { ["data"] = x }, blobs ?? [], ["out"], () => [ours(x)]);

    static OracleCase Conv(string name, ConvolutionParams p, TensorShape input, bool bias, ulong seed)
    {
        var x = R(input, seed);
        var w = R(Convolution.WeightShape(input[1], p), seed + 1, 0.5f);
        var b = R([p.NumOutput], seed + 2);
        var layer = $$"""
            layer { name: "out" type: "Convolution" bottom: "data" top: "out"
              convolution_param { num_output: {{p.NumOutput}} kernel_h: {{p.KernelH}} kernel_w: {{p.KernelW}}
                stride_h: {{p.StrideH}} stride_w: {{p.StrideW}} pad_h: {{p.PadH}} pad_w: {{p.PadW}}
                dilation: {{p.DilationH}} group: {{p.Group}} bias_term: {{(bias ? "true" : "false")}} } }
            """;
        return Unary(name, layer, x, t =>
        {
            var y = new Tensor(Convolution.OutputShape(t.Shape, p));
            Convolution.Forward(t, w.Span, bias ? b.Span : [], p, y);
            return y;
        }, new() { ["out"] = bias ? [w, b] : [w] });
    }

    static OracleCase Pool(string name, string param, PoolingParams p, TensorShape input, ulong seed) =>
        Unary(name, $$"""layer { name: "out" type: "Pooling" bottom: "data" top: "out" pooling_param { {{param}} } }""",
            R(input, seed), t =>
            {
                var y = new Tensor(Pooling.OutputShape(t.Shape, p));
                Pooling.Forward(t, p, y);
                return y;
            });

    static OracleCase Same(string name, string layer, Tensor x, Action<Tensor, Tensor> ours, Dictionary<string, Tensor[]>? blobs = null) =>
        Unary(name, layer, x, t =>
        {
            var y = new Tensor(t.Shape);
            ours(t, y);
            return y;
        }, blobs);

    public static readonly OracleCase[] All = Build();

    static OracleCase[] Build()
    {
        var cases = new List<OracleCase>
        {
            Conv("conv_3x3_pad1_bias", new(4, 3, 3, PadH: 1, PadW: 1), [2, 3, 7, 6], true, 10),
            Conv("conv_group2_stride2_dilation2", new(6, 3, 3, 2, 2, 2, 2, 2, 2, Group: 2), [1, 4, 9, 8], true, 20),
            Conv("conv_depthwise_3x3_stride2_pad1", new(8, 3, 3, 2, 2, 1, 1, Group: 8), [1, 8, 7, 7], true, 30),
            Conv("conv_pointwise_no_bias", new(5, 1, 1), [2, 6, 4, 3], false, 40),
            Conv("conv_5x3_asymmetric", new(3, 5, 3, 2, 1, 2, 0), [1, 2, 8, 6], true, 50),

            Pool("pool_max_3x3_s2_ceil", "pool: MAX kernel_size: 3 stride: 2", new(PoolingMethod.Max, 3, 3, 2, 2), [1, 2, 6, 6], 60),
            Pool("pool_max_3x3_s2_pad1", "pool: MAX kernel_size: 3 stride: 2 pad: 1", new(PoolingMethod.Max, 3, 3, 2, 2, 1, 1), [1, 2, 6, 7], 61),
            Pool("pool_ave_3x3_s2_pad1", "pool: AVE kernel_size: 3 stride: 2 pad: 1", new(PoolingMethod.Ave, 3, 3, 2, 2, 1, 1), [2, 2, 7, 6], 62),
            Pool("pool_ave_2x2_s2_ceil", "pool: AVE kernel_size: 2 stride: 2", new(PoolingMethod.Ave, 2, 2, 2, 2), [1, 3, 5, 5], 63),
            Pool("pool_ave_global", "pool: AVE global_pooling: true", new(PoolingMethod.Ave, 0, 0, Global: true), [2, 3, 5, 4], 64),
            Pool("pool_max_global", "pool: MAX global_pooling: true", new(PoolingMethod.Max, 0, 0, Global: true), [1, 3, 4, 4], 65),
        };

        var bnX = R([2, 3, 4, 5], 70, 3);
        var mean = R([3], 71);
        var variance = Positive([3], 72);
        cases.Add(Same("batchnorm_global_factor2",
            """layer { name: "out" type: "BatchNorm" bottom: "data" top: "out" batch_norm_param { use_global_stats: true eps: 0.001 } }""",
            bnX, (x, y) => BatchNorm.Forward(x, mean.Span, variance.Span, [2], new BatchNormParams(0.001f), y),
            new() { ["out"] = [mean, variance, T.Of([1], 2)] }));
        cases.Add(Same("batchnorm_factor0",
            """layer { name: "out" type: "BatchNorm" bottom: "data" top: "out" batch_norm_param { use_global_stats: true } }""",
            bnX, (x, y) => BatchNorm.Forward(x, mean.Span, variance.Span, [0], new BatchNormParams(), y),
            new() { ["out"] = [mean, variance, T.Of([1], 0)] }));

        var scale = R([3], 73);
        var shift = R([3], 74);
        cases.Add(Same("scale_with_bias",
            """layer { name: "out" type: "Scale" bottom: "data" top: "out" scale_param { bias_term: true } }""",
            bnX, (x, y) => Scale.Forward(x, scale, shift.Span, new ScaleParams(), y),
            new() { ["out"] = [scale, shift] }));
        var scaleX = R([2, 3, 2, 2], 75);
        var scaleY = R([2, 3], 76);
        cases.Add(new("scale_second_input_axis0",
            """layer { name: "out" type: "Scale" bottom: "data" bottom: "factor" top: "out" scale_param { axis: 0 } }""",
            new() { ["data"] = scaleX, ["factor"] = scaleY }, [], ["out"], () =>
            {
                var y = new Tensor(scaleX.Shape);
                Scale.Forward(scaleX, scaleY, [], new ScaleParams(0), y);
                return [y];
            }));
        var act = R([2, 3, 4, 4], 80, 8);
        cases.Add(Same("relu_slope", """layer { name: "out" type: "ReLU" bottom: "data" top: "out" relu_param { negative_slope: 0.1 } }""",
            act, (x, y) => ReLU.Forward(x, new ReLUParams(0.1f), y)));
        cases.Add(Same("relu6", """layer { name: "out" type: "ReLU6" bottom: "data" top: "out" }""",
            act, (x, y) => ReLU6.Forward(x, y)));
        cases.Add(Same("sigmoid", """layer { name: "out" type: "Sigmoid" bottom: "data" top: "out" }""",
            act, (x, y) => Sigmoid.Forward(x, y)));
        cases.Add(Same("tanh", """layer { name: "out" type: "TanH" bottom: "data" top: "out" }""",
            act, (x, y) => TanH.Forward(x, y)));
        cases.Add(Same("power", """layer { name: "out" type: "Power" bottom: "data" top: "out" power_param { power: 2 scale: 0.5 shift: 1 } }""",
            act, (x, y) => Power.Forward(x, new PowerParams(2, 0.5f, 1), y)));
        var slopes = R([3], 81);
        cases.Add(Same("prelu_per_channel", """layer { name: "out" type: "PReLU" bottom: "data" top: "out" }""",
            act, (x, y) => PReLU.Forward(x, slopes.Span, new PReLUParams(), y), new() { ["out"] = [slopes] }));
        var sharedSlope = T.Of([1], 0.2f);
        cases.Add(Same("prelu_shared", """layer { name: "out" type: "PReLU" bottom: "data" top: "out" prelu_param { channel_shared: true } }""",
            act, (x, y) => PReLU.Forward(x, sharedSlope.Span, new PReLUParams(true), y), new() { ["out"] = [sharedSlope] }));
        cases.Add(Same("power_fractional", """layer { name: "out" type: "Power" bottom: "data" top: "out" power_param { power: 0.75 scale: 0.25 shift: 3 } }""",
            act, (x, y) => Power.Forward(x, new PowerParams(0.75f, 0.25f, 3), y)));
        cases.Add(Same("elu", """layer { name: "out" type: "ELU" bottom: "data" top: "out" elu_param { alpha: 0.7 } }""",
            act, (x, y) => ELU.Forward(x, 0.7f, y)));
        cases.Add(Same("absval", """layer { name: "out" type: "AbsVal" bottom: "data" top: "out" }""",
            act, (x, y) => AbsVal.Forward(x, y)));
        cases.Add(Same("bnll", """layer { name: "out" type: "BNLL" bottom: "data" top: "out" }""",
            act, (x, y) => BNLL.Forward(x, y)));
        cases.Add(Same("exp", """layer { name: "out" type: "Exp" bottom: "data" top: "out" exp_param { base: 2 scale: 0.5 shift: 0.25 } }""",
            act, (x, y) => Exp.Forward(x, new ExpParams(2, 0.5f, 0.25f), y)));
        // OpenCV 4.6 reads Log without its scale and shift, so only the plain natural log is compared.
        cases.Add(Same("log", """layer { name: "out" type: "Log" bottom: "data" top: "out" }""",
            Positive([2, 3, 4, 4], 84), (x, y) => Log.Forward(x, new LogParams(), y)));
        cases.Add(Same("swish", """layer { name: "out" type: "Swish" bottom: "data" top: "out" }""",
            act, (x, y) => Swish.Forward(x, 1, y)));
        cases.Add(Unary("permute", """layer { name: "out" type: "Permute" bottom: "data" top: "out" permute_param { order: 0 order: 2 order: 3 order: 1 } }""",
            act, x =>
            {
                var p = new PermuteParams([0, 2, 3, 1]);
                var y = new Tensor(Permute.OutputShape(x.Shape, p));
                Permute.Forward(x, p, y);
                return y;
            }));
        var cropRef = R([1, 2, 3, 2], 85);
        cases.Add(new("crop_axis2_offsets",
            """layer { name: "out" type: "Crop" bottom: "data" bottom: "ref" top: "out" crop_param { axis: 2 offset: 1 offset: 2 } }""",
            new() { ["data"] = act, ["ref"] = cropRef }, [], ["out"], () =>
            {
                var p = new CropParams(2, [1, 2]);
                var y = new Tensor(Crop.OutputShape(act.Shape, cropRef.Shape, p));
                Crop.Forward(act, cropRef.Shape, p, y);
                return [y];
            }));
        cases.Add(Same("dropout", """layer { name: "out" type: "Dropout" bottom: "data" top: "out" dropout_param { dropout_ratio: 0.3 } }""",
            act, (x, y) => Dropout.Forward(x, y)));

        var a = R([2, 3, 3, 2], 90);
        var b = R([2, 3, 3, 2], 91);
        var c = R([2, 3, 3, 2], 92);
        foreach (var (op, param, ours) in new[]
        {
            ("sum_coeff", "operation: SUM coeff: 0.5 coeff: -2 coeff: 1.5", new EltwiseParams(EltwiseOperation.Sum, [0.5f, -2, 1.5f])),
            ("prod", "operation: PROD", new EltwiseParams(EltwiseOperation.Prod)),
            ("max", "operation: MAX", new EltwiseParams(EltwiseOperation.Max)),
        })
        {
            cases.Add(new($"eltwise_{op}",
                $$"""layer { name: "out" type: "Eltwise" bottom: "a" bottom: "b" bottom: "c" top: "out" eltwise_param { {{param}} } }""",
                new() { ["a"] = a, ["b"] = b, ["c"] = c }, [], ["out"], () =>
                {
                    var y = new Tensor(a.Shape);
                    Eltwise.Forward([a, b, c], ours, y);
                    return [y];
                }));
        }

        var ipX = R([3, 2, 3, 2], 100);
        var ipW = R([5, 12], 101);
        var ipB = R([5], 102);
        cases.Add(Unary("innerproduct",
            """layer { name: "out" type: "InnerProduct" bottom: "data" top: "out" inner_product_param { num_output: 5 } }""",
            ipX, x =>
            {
                var p = new InnerProductParams(5);
                var y = new Tensor(InnerProduct.OutputShape(x.Shape, p));
                InnerProduct.Forward(x, ipW.Span, ipB.Span, p, y);
                return y;
            }, new() { ["out"] = [ipW, ipB] }));

        var smX = R([2, 4, 3, 2], 110, 4);
        cases.Add(Same("softmax_axis1", """layer { name: "out" type: "Softmax" bottom: "data" top: "out" }""",
            smX, (x, y) => Softmax.Forward(x, new SoftmaxParams(), y)));
        cases.Add(Same("softmax_axis2", """layer { name: "out" type: "Softmax" bottom: "data" top: "out" softmax_param { axis: 2 } }""",
            smX, (x, y) => Softmax.Forward(x, new SoftmaxParams(2), y)));

        var lrnX = R([2, 7, 4, 5], 120, 3);
        // OpenCV 4.6 reads Caffe's LRN without its k (it takes 1), so k stays at its default here.
        cases.Add(Same("lrn_across", """layer { name: "out" type: "LRN" bottom: "data" top: "out" lrn_param { local_size: 5 alpha: 0.3 beta: 0.75 } }""",
            lrnX, (x, y) => LRN.Forward(x, new LRNParams(5, 0.3f, 0.75f, 1), y)));
        cases.Add(Same("lrn_within", """layer { name: "out" type: "LRN" bottom: "data" top: "out" lrn_param { local_size: 3 alpha: 0.5 beta: 0.75 norm_region: WITHIN_CHANNEL } }""",
            lrnX, (x, y) => LRN.Forward(x, new LRNParams(3, 0.5f, 0.75f, 1, LRNRegion.WithinChannel), y)));

        var catA = R([2, 2, 3, 2], 130);
        var catB = R([2, 3, 3, 2], 131);
        cases.Add(new("concat_axis1",
            """layer { name: "out" type: "Concat" bottom: "a" bottom: "b" top: "out" }""",
            new() { ["a"] = catA, ["b"] = catB }, [], ["out"], () =>
            {
                var y = new Tensor(Concat.OutputShape([catA.Shape, catB.Shape], new ConcatParams()));
                Concat.Forward([catA, catB], new ConcatParams(), y);
                return [y];
            }));
        var sliceX = R([2, 5, 3, 1], 132);
        cases.Add(new("slice_points_axis1",
            """
            layer { name: "sl" type: "Slice" bottom: "data" top: "s0" top: "s1" top: "s2" slice_param { axis: 1 slice_point: 1 slice_point: 3 } }
            layer { name: "s0" type: "Dropout" bottom: "s0" top: "s0" }
            layer { name: "s1" type: "Dropout" bottom: "s1" top: "s1" }
            layer { name: "s2" type: "Dropout" bottom: "s2" top: "s2" }
            """,
            new() { ["data"] = sliceX }, [], ["s0", "s1", "s2"], () =>
            {
                var p = new SliceParams(1, [1, 3]);
                var outs = Slice.OutputShapes(sliceX.Shape, 3, p).Select(s => new Tensor(s)).ToArray();
                Slice.Forward(sliceX, p, outs);
                return outs;
            }));
        cases.Add(Unary("flatten", """layer { name: "out" type: "Flatten" bottom: "data" top: "out" }""", lrnX, x =>
        {
            var y = new Tensor(Flatten.OutputShape(x.Shape, new FlattenParams()));
            Flatten.Forward(x, new FlattenParams(), y);
            return y;
        }));
        cases.Add(Unary("reshape", """layer { name: "out" type: "Reshape" bottom: "data" top: "out" reshape_param { shape { dim: 0 dim: -1 dim: 5 } } }""", lrnX, x =>
        {
            var p = new ReshapeParams([0, -1, 5]);
            var y = new Tensor(Reshape.OutputShape(x.Shape, p));
            Reshape.Forward(x, p, y);
            return y;
        }));

        var deX = R([1, 4, 3, 4], 140);
        var deP = new ConvolutionParams(6, 4, 4, 2, 2, 1, 1, Group: 2);
        var deW = R(Deconvolution.WeightShape(4, deP), 141);
        var deB = R([6], 142);
        cases.Add(Unary("deconv_k4_s2_p1_group2",
            """layer { name: "out" type: "Deconvolution" bottom: "data" top: "out" convolution_param { num_output: 6 kernel_size: 4 stride: 2 pad: 1 group: 2 } }""",
            deX, x =>
            {
                var y = new Tensor(Deconvolution.OutputShape(x.Shape, deP));
                Deconvolution.Forward(x, deW.Span, deB.Span, deP, y);
                return y;
            }, new() { ["out"] = [deW, deB] }));
        return [.. cases];
    }
}

public class OpenCvAgreementTests(OpenCvOracleFixture oracle) : IClassFixture<OpenCvOracleFixture>
{
    public static TheoryData<string> Cases => new(OracleCases.All.Select(c => c.Name));

    /// <summary>The rule: max |ours − theirs| ≤ 1e-4 · max(1, max |theirs|), per output.</summary>
    [OpenCvTheory]
    [MemberData(nameof(Cases))]
    public void KernelAgreesWithOpenCv(string name)
    {
        var c = OracleCases.All.Single(x => x.Name == name);
        var expected = oracle.Expected(c);
        var ours = c.Ours();
        for (int i = 0; i < expected.Length; i++)
        {
            var problem = OpenCv.Disagreement(ours[i], expected[i]);
            Assert.True(problem is null, $"{c.Outputs[i]}: {problem}");
        }
    }
}
