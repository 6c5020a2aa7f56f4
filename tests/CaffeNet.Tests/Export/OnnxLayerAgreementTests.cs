using CaffeNet.Export.Onnx;
using CaffeNet.Runtime;
using static CaffeNet.Tests.Export.SmallNet;

namespace CaffeNet.Tests.Export;

/// <summary>
/// Every layer type that exports, in small nets with seeded filler weights and inputs, through
/// ONNX Runtime against our reference executor by the 1e-4 rule, at the oldest, default and
/// newest opset the exporter supports.
/// </summary>
public class OnnxLayerAgreementTests
{
    const string Gaussian = "weight_filler { type: 'gaussian' std: 0.3 } bias_filler { type: 'uniform' min: -0.5 max: 0.5 }";

    static readonly Dictionary<string, string> Cases = new(StringComparer.Ordinal)
    {
        ["Convolution"] = Input(1, 4, 9, 8) +
            $"layer {{ name: 'conv' type: 'Convolution' bottom: 'data' top: 'conv' convolution_param {{ num_output: 6 kernel_h: 3 kernel_w: 2 stride_h: 2 stride_w: 1 pad_h: 2 pad_w: 1 dilation: 2 group: 2 {Gaussian} }} }}",
        ["DepthwiseConvolution"] = Input(1, 4, 7, 7) +
            $"layer {{ name: 'dw' type: 'DepthwiseConvolution' bottom: 'data' top: 'dw' convolution_param {{ num_output: 4 kernel_size: 3 pad: 1 stride: 2 {Gaussian} }} }}",
        ["Deconvolution"] = Input(1, 3, 5, 4) +
            $"layer {{ name: 'up' type: 'Deconvolution' bottom: 'data' top: 'up' convolution_param {{ num_output: 4 kernel_size: 4 stride: 2 pad: 1 {Gaussian} }} }}\n" +
            $"layer {{ name: 'upg' type: 'Deconvolution' bottom: 'data' top: 'upg' convolution_param {{ num_output: 3 group: 3 kernel_size: 3 stride: 3 bias_term: false {Gaussian} }} }}",
        ["InnerProduct"] = Input(2, 3, 4, 5) +
            $"layer {{ name: 'ip' type: 'InnerProduct' bottom: 'data' top: 'ip' inner_product_param {{ num_output: 7 {Gaussian} }} }}\n" +
            $"layer {{ name: 'ip2' type: 'InnerProduct' bottom: 'data' top: 'ip2' inner_product_param {{ num_output: 3 axis: 2 transpose: true {Gaussian} }} }}",
        ["BatchNormScale"] = Input(2, 3, 4, 4) +
            "layer { name: 'bn' type: 'BatchNorm' bottom: 'data' top: 'data2' batch_norm_param { use_global_stats: false eps: 0.001 } }\n" +
            "layer { name: 'scale' type: 'Scale' bottom: 'data2' top: 'data2' scale_param { bias_term: true filler { type: 'uniform' min: 0.5 max: 2 } bias_filler { type: 'uniform' min: -1 max: 1 } } }\n" +
            "layer { name: 'bias' type: 'Bias' bottom: 'data2' top: 'out' bias_param { axis: 2 num_axes: 2 filler { type: 'uniform' min: -1 max: 1 } } }",
        ["Pooling"] = Input(1, 2, 7, 6) +
            "layer { name: 'max' type: 'Pooling' bottom: 'data' top: 'max' pooling_param { pool: MAX kernel_size: 3 stride: 2 pad: 1 } }\n" +
            "layer { name: 'ave' type: 'Pooling' bottom: 'data' top: 'ave' pooling_param { pool: AVE kernel_h: 3 kernel_w: 2 stride: 2 pad_h: 1 pad_w: 0 } }\n" +
            // Across the width the last window reaches past the padded image (see OnnxMappingTests).
            "layer { name: 'overhang' type: 'Pooling' bottom: 'data' top: 'overhang' pooling_param { pool: AVE kernel_size: 3 stride: 2 pad: 1 } }\n" +
            "layer { name: 'floor' type: 'Pooling' bottom: 'data' top: 'floor' pooling_param { pool: AVE kernel_size: 2 stride: 3 pad: 1 round_mode: FLOOR } }\n" +
            "layer { name: 'gmax' type: 'Pooling' bottom: 'data' top: 'gmax' pooling_param { pool: MAX global_pooling: true } }\n" +
            "layer { name: 'gave' type: 'Pooling' bottom: 'data' top: 'gave' pooling_param { pool: AVE global_pooling: true } }",
        ["Activations"] = Input(2, 3, 4) +
            "layer { name: 'big' type: 'Power' bottom: 'data' top: 'big' power_param { scale: 60 } }\n" +
            "layer { name: 'relu' type: 'ReLU' bottom: 'data' top: 'relu' }\n" +
            "layer { name: 'leaky' type: 'ReLU' bottom: 'data' top: 'leaky' relu_param { negative_slope: 0.1 } }\n" +
            "layer { name: 'relu6' type: 'ReLU6' bottom: 'big' top: 'relu6' }\n" +
            "layer { name: 'clip' type: 'Clip' bottom: 'data' top: 'clip' clip_param { min: -0.3 max: 0.4 } }\n" +
            "layer { name: 'elu' type: 'ELU' bottom: 'data' top: 'elu' elu_param { alpha: 0.5 } }\n" +
            "layer { name: 'sigmoid' type: 'Sigmoid' bottom: 'data' top: 'sigmoid' }\n" +
            "layer { name: 'tanh' type: 'TanH' bottom: 'data' top: 'tanh' }\n" +
            "layer { name: 'abs' type: 'AbsVal' bottom: 'data' top: 'abs' }\n" +
            "layer { name: 'bnll' type: 'BNLL' bottom: 'big' top: 'bnll' }\n" +
            "layer { name: 'swish' type: 'Swish' bottom: 'data' top: 'swish' swish_param { beta: 1.5 } }\n" +
            "layer { name: 'threshold' type: 'Threshold' bottom: 'data' top: 'threshold' threshold_param { threshold: 0.2 } }\n" +
            "layer { name: 'prelu' type: 'PReLU' bottom: 'data' top: 'prelu' prelu_param { filler { type: 'uniform' min: -1 max: 1 } } }",
        ["ExpLogPower"] = Input(2, 3, 4) +
            "layer { name: 'exp' type: 'Exp' bottom: 'data' top: 'exp' exp_param { base: 2 scale: 0.5 shift: 1 } }\n" +
            "layer { name: 'expe' type: 'Exp' bottom: 'data' top: 'expe' }\n" +
            "layer { name: 'log' type: 'Log' bottom: 'data' top: 'log' log_param { base: 10 scale: 2 shift: 3 } }\n" +
            "layer { name: 'ln' type: 'Log' bottom: 'exp' top: 'ln' }\n" +
            "layer { name: 'square' type: 'Power' bottom: 'data' top: 'square' power_param { power: 2 scale: 0.5 shift: 1 } }\n" +
            "layer { name: 'ones' type: 'Power' bottom: 'data' top: 'ones' power_param { power: 0 } }\n" +
            "layer { name: 'constant' type: 'Power' bottom: 'data' top: 'constant' power_param { power: 3 scale: 0 shift: 2 } }",
        ["Eltwise"] = Input(2, 3, 2) +
            "layer { name: 'split' type: 'Split' bottom: 'data' top: 'a' top: 'b' }\n" +
            "layer { name: 'neg' type: 'Power' bottom: 'b' top: 'c' power_param { scale: -1.5 shift: 0.25 } }\n" +
            "layer { name: 'sum' type: 'Eltwise' bottom: 'a' bottom: 'c' top: 'sum' }\n" +
            "layer { name: 'wsum' type: 'Eltwise' bottom: 'a' bottom: 'b' bottom: 'c' top: 'wsum' eltwise_param { coeff: 0.5 coeff: -1 coeff: 2 } }\n" +
            "layer { name: 'prod' type: 'Eltwise' bottom: 'a' bottom: 'b' bottom: 'c' top: 'prod' eltwise_param { operation: PROD } }\n" +
            "layer { name: 'max' type: 'Eltwise' bottom: 'a' bottom: 'c' top: 'max' eltwise_param { operation: MAX } }",
        ["Shapes"] = Input(2, 4, 3, 5) +
            "layer { name: 'concat' type: 'Concat' bottom: 'data' bottom: 'data' top: 'concat' concat_param { axis: 2 } }\n" +
            "layer { name: 'slice' type: 'Slice' bottom: 'concat' top: 's0' top: 's1' slice_param { axis: 2 } }\n" +
            "layer { name: 'flatten' type: 'Flatten' bottom: 's1' top: 'flat' flatten_param { axis: 1 end_axis: 2 } }\n" +
            "layer { name: 'reshape' type: 'Reshape' bottom: 'data' top: 'reshaped' reshape_param { shape { dim: 0 dim: 2 dim: -1 } } }\n" +
            "layer { name: 'permute' type: 'Permute' bottom: 'data' top: 'permuted' permute_param { order: 0 order: 2 order: 3 order: 1 } }\n" +
            "layer { name: 'small' type: 'Pooling' bottom: 'data' top: 'small' pooling_param { pool: MAX kernel_size: 2 stride: 2 } }\n" +
            "layer { name: 'crop' type: 'Crop' bottom: 'data' bottom: 'small' top: 'crop' crop_param { axis: 2 offset: 1 offset: 2 } }\n" +
            "layer { name: 'drop' type: 'Dropout' bottom: 'crop' top: 'crop' }\n" +
            "layer { name: 'softmax' type: 'Softmax' bottom: 'data' top: 'softmax' softmax_param { axis: 2 } }\n" +
            "layer { name: 'argmax' type: 'ArgMax' bottom: 'data' top: 'argmax' argmax_param { axis: 1 top_k: 3 out_max_val: true } }\n" +
            "layer { name: 'argflat' type: 'ArgMax' bottom: 'data' top: 'argflat' argmax_param { top_k: 4 } }\n" +
            "layer { name: 'silence' type: 'Silence' bottom: 's0' }",
        ["LRN"] = Input(1, 6, 5, 5) +
            "layer { name: 'across' type: 'LRN' bottom: 'data' top: 'across' lrn_param { local_size: 5 alpha: 0.3 beta: 0.75 k: 2 } }\n" +
            "layer { name: 'within' type: 'LRN' bottom: 'data' top: 'within' lrn_param { local_size: 3 alpha: 0.5 beta: 0.6 norm_region: WITHIN_CHANNEL } }",
        ["MtcnnStylePReLU"] = Input(1, 3, 13, 13) +
            $"layer {{ name: 'conv1' type: 'Convolution' bottom: 'data' top: 'conv1' convolution_param {{ num_output: 10 kernel_size: 3 {Gaussian} }} }}\n" +
            "layer { name: 'prelu1' type: 'PReLU' bottom: 'conv1' top: 'conv1' prelu_param { filler { type: 'uniform' min: 0 max: 0.5 } } }\n" +
            "layer { name: 'pool1' type: 'Pooling' bottom: 'conv1' top: 'pool1' pooling_param { pool: MAX kernel_size: 2 stride: 2 } }\n" +
            $"layer {{ name: 'conv2' type: 'Convolution' bottom: 'pool1' top: 'conv2' convolution_param {{ num_output: 16 kernel_size: 3 {Gaussian} }} }}\n" +
            "layer { name: 'prelu2' type: 'PReLU' bottom: 'conv2' top: 'conv2' prelu_param { channel_shared: true } }\n" +
            $"layer {{ name: 'conv3' type: 'Convolution' bottom: 'conv2' top: 'conv3' convolution_param {{ num_output: 2 kernel_size: 1 {Gaussian} }} }}\n" +
            "layer { name: 'prob' type: 'Softmax' bottom: 'conv3' top: 'prob' }",
    };

    public static TheoryData<string, int> CasesAtEachOpset()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in Cases.Keys)
            foreach (var opset in new[] { OnnxExportOptions.MinOpset, OnnxExportOptions.DefaultOpset, OnnxExportOptions.MaxOpset })
                data.Add(name, opset);
        return data;
    }

    [Theory]
    [MemberData(nameof(CasesAtEachOpset))]
    public void AgreesWithTheReferenceExecutor(string name, int opset)
    {
        var net = new SmallNet(Cases[name], seed: 7);
        var inputs = NetInputs.Random(net.Graph, 9);
        var ours = OnnxRuntimeOracle.RunReference(net.Graph, net.Weights, inputs);
        var theirs = OnnxRuntimeOracle.Run(
            OnnxRuntimeOracle.ExportObservingEveryBlob(net.Graph, net.Weights, new OnnxExportOptions { Opset = opset }), inputs);
        var problems = ours
            .Select(p => (Blob: p.Key, Figures: OnnxRuntimeOracle.Compare(p.Value, theirs[p.Key])))
            .Where(p => !OnnxRuntimeOracle.Agrees(p.Figures.Error, p.Figures.Scale))
            .Select(p => $"{p.Blob}: max|a-b| {p.Figures.Error?.ToString() ?? "(shapes differ)"}, max|ours| {p.Figures.Scale}")
            .ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void EveryTypeThatExportsIsInACase()
    {
        var covered = Cases.Values.SelectMany(text => System.Text.RegularExpressions.Regex.Matches(text, "type: '([A-Za-z0-9]+)'")
            .Select(m => m.Groups[1].Value)).ToHashSet();
        var missing = OnnxExporter.LayerTypes.Where(t => !covered.Contains(t) && t != "ConvolutionDepthwise").ToList();
        Assert.True(missing.Count == 0, "no case for " + string.Join(", ", missing));
    }
}
