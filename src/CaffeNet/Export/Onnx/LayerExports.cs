using CaffeNet.Export.Onnx.Layers;

namespace CaffeNet.Export.Onnx;

/// <summary>
/// The ONNX mapping of each Caffe layer type, keyed by type name as the runtime's layer factory
/// is. Input and data layers are not here: their tops become the graph's inputs.
/// </summary>
internal static class LayerExports
{
    static readonly Dictionary<string, ILayerExport> Mappings = new(StringComparer.Ordinal)
    {
        ["Convolution"] = new ConvolutionExport("Conv"),
        ["ConvolutionDepthwise"] = new ConvolutionExport("Conv"),
        ["DepthwiseConvolution"] = new ConvolutionExport("Conv"),
        ["Deconvolution"] = new ConvolutionExport("ConvTranspose"),
        ["InnerProduct"] = new InnerProductExport(),
        ["BatchNorm"] = new BatchNormExport(),
        ["Scale"] = new ScaleExport(isBias: false),
        ["Bias"] = new ScaleExport(isBias: true),
        ["Pooling"] = new PoolingExport(),
        ["ReLU"] = new ReLUExport(),
        ["ReLU6"] = new ClipExport(),
        ["Clip"] = new ClipExport(),
        ["PReLU"] = new PReLUExport(),
        ["ELU"] = new ELUExport(),
        ["Sigmoid"] = new UnaryExport("Sigmoid"),
        ["TanH"] = new UnaryExport("Tanh"),
        ["AbsVal"] = new UnaryExport("Abs"),
        ["BNLL"] = new BNLLExport(),
        ["Exp"] = new ExpExport(),
        ["Log"] = new LogExport(),
        ["Power"] = new PowerExport(),
        ["Swish"] = new SwishExport(),
        ["Threshold"] = new ThresholdExport(),
        ["Eltwise"] = new EltwiseExport(),
        ["Concat"] = new ConcatExport(),
        ["Slice"] = new SliceExport(),
        ["Split"] = new SplitExport(),
        ["Flatten"] = new ReshapeExport(),
        ["Reshape"] = new ReshapeExport(),
        ["Softmax"] = new SoftmaxExport(),
        ["LRN"] = new LRNExport(),
        ["Permute"] = new PermuteExport(),
        ["Crop"] = new CropExport(),
        ["Dropout"] = new UnaryExport("Identity"),
        ["ArgMax"] = new ArgMaxExport(),
        ["Silence"] = new SilenceExport(),
    };

    /// <summary>The layer types that export, in no particular order.</summary>
    public static IEnumerable<string> Types => Mappings.Keys;

    public static ILayerExport? For(string type) => Mappings.GetValueOrDefault(type);
}
