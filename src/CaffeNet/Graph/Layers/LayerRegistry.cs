namespace CaffeNet.Graph;

/// <summary>
/// Shape rules keyed by Caffe type name, as Caffe's layer registry keys layer classes. Names are
/// case-sensitive, as in Caffe.
/// </summary>
internal static class LayerRegistry
{
    public static IReadOnlyDictionary<string, ILayerShape> Rules { get; } = new Dictionary<string, ILayerShape>(StringComparer.Ordinal)
    {
        ["Convolution"] = new ConvolutionShape(),
        ["Deconvolution"] = new DeconvolutionShape(),
        ["ConvolutionDepthwise"] = new DepthwiseConvolutionShape(),
        ["DepthwiseConvolution"] = new DepthwiseConvolutionShape(),
        ["Pooling"] = new PoolingShape(),
        ["InnerProduct"] = new InnerProductShape(),
        ["Concat"] = new ConcatShape(),
        ["Slice"] = new SliceShape(),
        ["Split"] = new SplitShape(),
        ["Flatten"] = new FlattenShape(),
        ["Reshape"] = new ReshapeShape(),
        ["Crop"] = new CropShape(),
        ["Permute"] = new PermuteShape(),
        ["Eltwise"] = new EltwiseShape(),
        ["Softmax"] = new SoftmaxShape(),
        ["Dropout"] = new DropoutShape(),
        ["BatchNorm"] = new BatchNormShape(),
        ["Scale"] = new ScaleShape(),
        ["Bias"] = new BiasShape(),
        ["ReLU"] = new ReLUShape(),
        ["ReLU6"] = new ReLU6Shape(),
        ["Clip"] = new ClipShape(),
        ["PReLU"] = new PReLUShape(),
        ["ELU"] = new ELUShape(),
        ["Swish"] = new SwishShape(),
        ["Sigmoid"] = new SigmoidShape(),
        ["TanH"] = new TanHShape(),
        ["AbsVal"] = new AbsValShape(),
        ["BNLL"] = new BNLLShape(),
        ["Exp"] = new ExpShape(),
        ["Log"] = new LogShape(),
        ["Power"] = new PowerShape(),
        ["Threshold"] = new ThresholdShape(),
        ["LRN"] = new LRNShape(),
        ["ArgMax"] = new ArgMaxShape(),
        ["Accuracy"] = new AccuracyShape(),
        ["SoftmaxWithLoss"] = new SoftmaxWithLossShape(),
        ["EuclideanLoss"] = new EuclideanLossShape(),
        ["SigmoidCrossEntropyLoss"] = new SigmoidCrossEntropyLossShape(),
        ["Silence"] = new SilenceShape(),
    };

    /// <summary>Layers without bottoms whose tops become the graph's inputs.</summary>
    public static IReadOnlyDictionary<string, ISourceShape> Sources { get; } = new Dictionary<string, ISourceShape>(StringComparer.Ordinal)
    {
        ["Input"] = new InputShape(),
        ["MemoryData"] = new MemoryDataShape(),
        ["Data"] = new DataShape(),
        ["ImageData"] = new ImageDataShape(),
        ["WindowData"] = new WindowDataShape(),
        ["HDF5Data"] = new HDF5DataShape(),
        ["DummyData"] = new DummyDataShape(),
    };
}
