namespace CaffeNet.Graph.Passes;

/// <summary>
/// Which values of a fused graph live in the channel-blocked layout NCHWc ([N][C / c][H][W][c], c =
/// <see cref="Block"/> channels to a vector, the channels past C zero-padded) instead of NCHW. A
/// value is blocked when the step that writes it and every step that reads it have a blocked
/// kernel, so runs of such kernels pass blocked values along with no reorders; a value that is a
/// graph input or output, kept for the user, or read by any other layer stays NCHW, and a blocked
/// kernel next to it reorders on its side. The kernels known here mirror the runtime's: fused
/// depthwise convolutions and fused 1x1 stride-1 unpadded convolutions on images of more than one
/// pixel read and write blocked values (their shortcut input too), and a global average pooling reads one.
/// </summary>
internal sealed class ChannelLayout
{
    readonly HashSet<Value> _blocked;
    readonly FusionPlan _fusions;

    ChannelLayout(int block, HashSet<Value> blocked, FusionPlan fusions)
    {
        Block = block;
        _blocked = blocked;
        _fusions = fusions;
    }

    /// <summary>Everything NCHW (the reference path, or a machine without vector lanes).</summary>
    public static ChannelLayout None { get; } = new(0, [], FusionPlan.None);

    /// <summary>Channels to a block (the vector width in floats), or 0 when nothing is blocked.</summary>
    public int Block { get; }

    /// <summary>True when the value's storage (its own, or for a skipped identity's top its bottom's) is blocked.</summary>
    public bool IsBlocked(Value value) => _blocked.Contains(_fusions.StorageOf(value));

    /// <summary>The blocked values (not counting skipped identities' tops that share their storage).</summary>
    public IReadOnlyCollection<Value> Blocked => _blocked;

    /// <summary>Floats a value takes in its layout: its channel axis rounded up to whole blocks when blocked.</summary>
    public long Floats(Value value) => IsBlocked(value) ? BlockedFloats(value.Shape, Block) : value.Shape.Count;

    public static long BlockedFloats(Shape shape, int block) =>
        (long)shape[0] * RoundUp(shape[1], block) * shape[2] * shape[3];

    public static int RoundUp(int channels, int block) => (channels + block - 1) / block * block;

    /// <summary>
    /// The layout of <paramref name="graph"/> run under <paramref name="fusions"/> with blocks of
    /// <paramref name="block"/> channels (below 2: none); values in <paramref name="keep"/> stay NCHW.
    /// </summary>
    public static ChannelLayout For(NetGraph graph, FusionPlan fusions, int block, IReadOnlySet<Value>? keep = null)
    {
        if (block < 2)
            return None;
        // Values some step reads in NCHW, or that the user sees; by storage, as a skipped identity's
        // top is its bottom's floats.
        var nchw = new HashSet<Value>();
        foreach (var v in graph.Outputs.Concat(graph.Inputs).Concat(keep ?? new HashSet<Value>()))
            nchw.Add(fusions.StorageOf(v));
        var candidates = new List<Value>();
        foreach (var node in graph.Nodes.Where(n => !fusions.Skips(n)))
        {
            var fusion = fusions.FusionAt(node);
            bool native = fusion is not null && WritesBlocked(fusion);
            if (native)
                candidates.Add(fusion!.Result);
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                if (!(native && i == 0) && !(fusion is null && i == 0 && ReadsBlocked(node)))
                    nchw.Add(fusions.StorageOf(node.Inputs[i]));
            }
            if (fusion?.Residual is { } residual && !native)
                nchw.Add(fusions.StorageOf(residual));
        }
        var blocked = candidates.Where(v => fusions.StorageOf(v) == v && !nchw.Contains(v) && v.Shape.IsComplete && v.Shape.Rank == 4).ToHashSet();
        return blocked.Count == 0 ? None : new ChannelLayout(block, blocked, fusions);
    }

    /// <summary>A fused convolution with a blocked kernel: depthwise, or 1x1 stride 1 unpadded over more than one pixel.</summary>
    public static bool WritesBlocked(ConvFusion fusion)
    {
        var node = fusion.Anchor;
        if (node.Attributes is not ConvolutionAttributes a || node.Inputs[0].Shape is not { IsComplete: true, Rank: 4 } input)
            return false;
        int channels = input[1];
        if (a.Group == channels && a.NumOutput == channels)
            return true;
        return a.Group == 1 && a is { KernelH: 1, KernelW: 1, StrideH: 1, StrideW: 1, PadH: 0, PadW: 0 } && input[2] * input[3] > 1;
    }

    /// <summary>An unfused layer that reads its first input blocked: global average pooling.</summary>
    public static bool ReadsBlocked(Node node) =>
        node.Type == "Pooling" && node.Inputs.Count == 1 && node.Outputs.Count == 1 && node.Attributes is PoolingAttributes
        {
            Method: Proto.PoolingParameter.Types.PoolMethod.Ave, Global: true,
        } && node.Inputs[0].Shape is { IsComplete: true, Rank: 4 };
}
