namespace CaffeNet.Runtime.Layers;

/// <summary>
/// Every built-in layer type, one line each. A static list rather than a scan of the assembly's
/// types, so that trimming and Native AOT keep them without reflection.
/// </summary>
static class BuiltInLayers
{
    public static IReadOnlyList<LayerType> All { get; } =
    [
        new AbsValDefinition(),
        new AccuracyDefinition(),
        new AnnotatedDataDefinition(),
        new ArgMaxDefinition(),
        new BatchNormDefinition(),
        new BiasDefinition(),
        new BNLLDefinition(),
        new ClipDefinition(),
        new ConcatDefinition(),
        new ConvolutionDefinition(),
        new CropDefinition(),
        new DataDefinition(),
        new DeconvolutionDefinition(),
        new DetectionEvaluateDefinition(),
        new DetectionOutputDefinition(),
        new DepthwiseConvolutionDefinition(),
        new DropoutDefinition(),
        new DummyDataDefinition(),
        new EltwiseDefinition(),
        new ELUDefinition(),
        new EuclideanLossDefinition(),
        new ExpDefinition(),
        new FlattenDefinition(),
        new HDF5DataDefinition(),
        new ImageDataDefinition(),
        new InnerProductDefinition(),
        new InputDefinition(),
        new LogDefinition(),
        new LRNDefinition(),
        new MemoryDataDefinition(),
        new MultiBoxLossDefinition(),
        new NormalizeDefinition(),
        new PermuteDefinition(),
        new PoolingDefinition(),
        new PowerDefinition(),
        new PReLUDefinition(),
        new PriorBoxDefinition(),
        new ReLU6Definition(),
        new ReLUDefinition(),
        new ReshapeDefinition(),
        new ScaleDefinition(),
        new SigmoidCrossEntropyLossDefinition(),
        new SigmoidDefinition(),
        new SilenceDefinition(),
        new SliceDefinition(),
        new SoftmaxDefinition(),
        new SoftmaxWithLossDefinition(),
        new SplitDefinition(),
        new SwishDefinition(),
        new TanHDefinition(),
        new ThresholdDefinition(),
        new WindowDataDefinition(),
    ];
}
