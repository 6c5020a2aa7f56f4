namespace CaffeNet.Graph.Passes;

/// <summary>
/// Which values of a fused graph live in the channel-blocked layout NCHWc ([N][C / c][H][W][c], c =
/// <see cref="Block"/> channels to a vector, the channels past C zero-padded) instead of NCHW. A
/// value is blocked when the step that writes it and every step that reads it have a blocked
/// kernel, so runs of such kernels pass blocked values along with no reorders; a value that is a
/// graph input or output, or read by any other layer, stays NCHW (a kept one may be blocked: the
/// runtime reorders it as it copies it out), and a blocked
/// kernel next to it reorders on its side (only at a run's end: a run starts only where its first
/// kernel reads NCHW natively). The kernels known here mirror the runtime's: fused
/// depthwise convolutions and fused 1x1 stride-1 unpadded convolutions on images of more than one
/// pixel read and write blocked values (their shortcut input too); a fused group-1 convolution of
/// at most 4 input channels (a first layer) reads NCHW and writes blocked; a global average pooling
/// reads blocked.
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
    /// <paramref name="block"/> channels (below 2: none).
    /// </summary>
    public static ChannelLayout For(NetGraph graph, FusionPlan fusions, int block)
    {
        if (block < 2)
            return None;
        // Values some step reads in NCHW, or the net's inputs and outputs; by storage, as a skipped
        // identity's top is its bottom's floats.
        var nchw = new HashSet<Value>();
        foreach (var v in graph.Outputs.Concat(graph.Inputs))
            nchw.Add(fusions.StorageOf(v));
        var writers = new List<ConvFusion>();
        foreach (var node in graph.Nodes.Where(n => !fusions.Skips(n)))
        {
            var fusion = fusions.FusionAt(node);
            var kernel = fusion is null ? BlockedKernel.None : KernelOf(fusion);
            if (kernel != BlockedKernel.None)
                writers.Add(fusion!);
            bool readsBlocked = kernel is BlockedKernel.Depthwise or BlockedKernel.Pointwise || (fusion is null && ReadsBlocked(node));
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                if (!(readsBlocked && i == 0))
                    nchw.Add(fusions.StorageOf(node.Inputs[i]));
            }
            if (fusion?.Residual is { } residual && kernel == BlockedKernel.None)
                nchw.Add(fusions.StorageOf(residual));
        }
        var blocked = writers.Select(f => f.Result)
            .Where(v => fusions.StorageOf(v) == v && !nchw.Contains(v) && v.Shape.IsComplete && v.Shape.Rank == 4).ToHashSet();
        // A run starts only where nothing has to be reordered into it: at the direct kernel (which
        // reads NCHW) or after another blocked value. So a 1x1 convolution between NCHW layers (a
        // ResNet bottleneck's) stays NCHW rather than reorder its input or shortcut. Dropping one
        // value can strand the next, so repeat until nothing changes.
        for (bool changed = true; changed;)
        {
            changed = false;
            foreach (var fusion in writers)
            {
                if (!blocked.Contains(fusion.Result))
                    continue;
                bool input = KernelOf(fusion) == BlockedKernel.Direct || blocked.Contains(fusions.StorageOf(fusion.Anchor.Inputs[0]));
                bool residual = fusion.Residual is not { } r || blocked.Contains(fusions.StorageOf(r));
                if (!input || !residual)
                    changed |= blocked.Remove(fusion.Result);
            }
        }
        return blocked.Count == 0 ? None : new ChannelLayout(block, blocked, fusions);
    }

    /// <summary>
    /// The blocked kernel of a fused convolution: depthwise; 1x1 stride 1 unpadded over more than one
    /// pixel; direct for group 1 with at most 4 input channels (reading NCHW); or none.
    /// </summary>
    public static BlockedKernel KernelOf(ConvFusion fusion)
    {
        var node = fusion.Anchor;
        if (node.Attributes is not ConvolutionAttributes a || node.Inputs[0].Shape is not { IsComplete: true, Rank: 4 } input)
            return BlockedKernel.None;
        int channels = input[1];
        if (a.Group == channels && a.NumOutput == channels)
            return BlockedKernel.Depthwise;
        if (a.Group == 1 && a is { KernelH: 1, KernelW: 1, StrideH: 1, StrideW: 1, PadH: 0, PadW: 0 } && input[2] * input[3] > 1)
            return BlockedKernel.Pointwise;
        return a.Group == 1 && channels <= 4 ? BlockedKernel.Direct : BlockedKernel.None;
    }

    /// <summary>An unfused layer that reads its first input blocked: global average pooling.</summary>
    public static bool ReadsBlocked(Node node) =>
        node.Type == "Pooling" && node.Inputs.Count == 1 && node.Outputs.Count == 1 && node.Attributes is PoolingAttributes
        {
            Method: Proto.PoolingParameter.Types.PoolMethod.Ave, Global: true,
        } && node.Inputs[0].Shape is { IsComplete: true, Rank: 4 };
}

/// <summary>Which blocked kernel runs a fused convolution (<see cref="ChannelLayout.KernelOf"/>).</summary>
internal enum BlockedKernel { None, Depthwise, Pointwise, Direct }
