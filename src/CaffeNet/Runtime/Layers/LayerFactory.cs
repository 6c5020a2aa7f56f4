using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// Builds the runnable layer for a node, keyed by Caffe type name as Caffe's own layer registry
/// is. Each binding reads the node's resolved attributes (and its LayerParameter for what
/// attributes do not carry) and its blobs, then calls a reference kernel.
/// </summary>
public static class LayerFactory
{
    delegate ILayer Create(Node node, IReadOnlyList<Tensor> blobs);

    static readonly Dictionary<string, Create> Bindings = new(StringComparer.Ordinal)
    {
        ["Convolution"] = (n, b) => new ConvolutionLayer(n, b),
        // The forks' depthwise types: a convolution whose group the graph set to the channel count.
        ["ConvolutionDepthwise"] = (n, b) => new ConvolutionLayer(n, b),
        ["DepthwiseConvolution"] = (n, b) => new ConvolutionLayer(n, b),
        ["Deconvolution"] = (n, b) => new DeconvolutionLayer(n, b),
        ["BatchNorm"] = (n, b) => new BatchNormLayer(n, b),
        ["Scale"] = (n, b) => new ScaleLayer(n, b),
        ["Bias"] = (n, b) => new BiasLayer(n, b),
        ["ReLU"] = (n, _) => new ReLULayer(n),
        ["ReLU6"] = (_, _) => new ReLU6Layer(),
        ["Clip"] = (n, _) => new ClipLayer(n),
        ["PReLU"] = (n, b) => new PReLULayer(n, b),
        ["Sigmoid"] = (_, _) => new SigmoidLayer(),
        ["TanH"] = (_, _) => new TanHLayer(),
        ["Power"] = (n, _) => new PowerLayer(n),
        ["Eltwise"] = (n, _) => new EltwiseLayer(n),
        ["Pooling"] = (n, _) => new PoolingLayer(n),
        ["InnerProduct"] = (n, b) => new InnerProductLayer(n, b),
        ["Softmax"] = (n, _) => new SoftmaxLayer(n),
        ["Dropout"] = (_, _) => new DropoutLayer(),
        ["Concat"] = (n, _) => new ConcatLayer(n),
        ["Slice"] = (n, _) => new SliceLayer(n),
        ["Split"] = (_, _) => new SplitLayer(),
        ["Flatten"] = (n, _) => new FlattenLayer(n),
        ["Reshape"] = (n, _) => new ReshapeLayer(n),
        ["LRN"] = (n, _) => new LRNLayer(n),
        ["SoftmaxWithLoss"] = (n, _) => new SoftmaxWithLossLayer(n),
        ["Accuracy"] = (n, _) => new AccuracyLayer(n),
        ["Silence"] = (_, _) => new SilenceLayer(),
        ["ELU"] = (n, _) => new ELULayer(n),
        ["AbsVal"] = (_, _) => new AbsValLayer(),
        ["BNLL"] = (_, _) => new BNLLLayer(),
        ["Exp"] = (n, _) => new ExpLayer(n),
        ["Log"] = (n, _) => new LogLayer(n),
        ["Threshold"] = (n, _) => new ThresholdLayer(n),
        ["Swish"] = (n, _) => new SwishLayer(n),
        ["Crop"] = (n, _) => new CropLayer(n),
        ["Permute"] = (n, _) => new PermuteLayer(n),
        ["ArgMax"] = (n, _) => new ArgMaxLayer(n),
        ["EuclideanLoss"] = (_, _) => new EuclideanLossLayer(),
        ["SigmoidCrossEntropyLoss"] = (n, _) => new SigmoidCrossEntropyLossLayer(n),
    };

    /// <summary>The layer types the runtime can run, in no particular order.</summary>
    public static IEnumerable<string> Types => Bindings.Keys;

    public static bool Supports(string type) => Bindings.ContainsKey(type);

    /// <summary>A CaffeNetException naming the layer when the runtime has no kernel for its type.</summary>
    public static void RequireSupported(Node node)
    {
        if (!node.IsKnown || !Bindings.ContainsKey(node.Type))
            throw new CaffeNetException(
                $"layer '{node.Name}': type {node.Type} is not supported by the runtime (supported: {string.Join(", ", Bindings.Keys.Order(StringComparer.Ordinal))})");
    }

    /// <summary>The runnable layer; a CaffeNetException naming the layer when it cannot be built.</summary>
    public static ILayer For(Node node, IReadOnlyList<Tensor> blobs)
    {
        RequireSupported(node);
        var create = Bindings[node.Type];
        try
        {
            return create(node, blobs);
        }
        catch (CaffeNetException e) when (!e.Message.StartsWith("layer '", StringComparison.Ordinal))
        {
            throw new CaffeNetException($"layer '{node.Name}' (type {node.Type}): {e.Message}", e);
        }
    }

    /// <summary>The node's attributes as the type its shape rule produced.</summary>
    internal static T Attributes<T>(Node node) where T : LayerAttributes =>
        node.Attributes as T ?? throw new InvalidOperationException($"layer '{node.Name}' has no {typeof(T).Name}");

    internal static TensorShape ToTensorShape(Shape shape) => new([.. shape.Dims]);
}
