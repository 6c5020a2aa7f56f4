using CaffeNet.Runtime.Layers;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Graph.Passes;

/// <summary>
/// Which values of a fused graph live in the channel-blocked layout NCHWc ([N][C / c][H][W][c], c =
/// <see cref="Block"/> channels to a vector, the channels past C zero-padded) instead of NCHW. A
/// value is blocked when the step that writes it and every step that reads it have a blocked
/// kernel, so runs of such kernels pass blocked values along with no reorders; a value that is a
/// graph input or output, or read by any other layer, stays NCHW (a kept one may be blocked: the
/// runtime reorders it as it copies it out), and a blocked kernel next to it reorders on its side
/// (only at a run's end: a run starts only where its first kernel reads NCHW natively). Fused
/// convolutions have the kernels of <see cref="KernelOf"/>; every other layer type says itself what
/// it can do (<see cref="LayerDefinition.Blocked"/>): pooling, eltwise, channel concat of whole
/// blocks and the elementwise activations pass the layout through, a global average pooling reads
/// blocked and writes NCHW.
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
        // A skipped in-place identity (a test-time Dropout) is a step the layout passes through: its
        // top is its bottom's storage under a new version, so both must have one layout.
        var absorbed = fusions.Fusions.SelectMany(f => f.Absorbed).ToHashSet();
        var steps = graph.Nodes.Where(n => !fusions.Skips(n) || (!absorbed.Contains(n) && n.Outputs.Count == 1 && n.IsInPlace(0)))
            .Select(n => new StepLayout(n, fusions, block, identity: fusions.Skips(n))).ToList();
        // Values some step reads or writes only in NCHW, and the net's inputs and outputs; by
        // storage, as a skipped identity's top is its bottom's floats.
        var nchw = new HashSet<Value>();
        foreach (var v in graph.Outputs.Concat(graph.Inputs))
            nchw.Add(fusions.StorageOf(v));
        var written = new HashSet<Value>();
        foreach (var step in steps)
        {
            for (int i = 0; i < step.Inputs.Count; i++)
            {
                if (!step.ReadsBlocked(i))
                    nchw.Add(fusions.StorageOf(step.Inputs[i]));
            }
            foreach (var v in step.Outputs)
                (step.WritesBlocked ? written : nchw).Add(v);
        }
        var blocked = written.Where(v => fusions.StorageOf(v) == v && !nchw.Contains(v) && v.Shape.IsComplete && v.Shape.Rank == 4).ToHashSet();
        // A run starts only where nothing has to be reordered into it: at the direct kernel (which
        // reads NCHW) or after another blocked value. So a 1x1 convolution between NCHW layers
        // stays NCHW rather than reorder its input or shortcut. A layer the layout passes through
        // (pooling, eltwise, concat, an activation in place) has all its values blocked or none.
        // Dropping one value can strand the next, so repeat until nothing changes.
        for (bool changed = true; changed;)
        {
            changed = false;
            foreach (var step in steps)
                changed |= step.Strand(blocked, fusions);
        }
        return blocked.Count == 0 ? None : new ChannelLayout(block, blocked, fusions);
    }

    /// <summary>
    /// Whether an unfused node runs on its blocked kernel: its layer type has one (<see
    /// cref="LayerDefinition.Blocked"/>) and the layout blocked its input.
    /// </summary>
    public bool RunsBlocked(Node node) =>
        Block > 0 && node.Inputs.Count > 0 && RoleOf(node, Block) != BlockedRole.None && IsBlocked(node.Inputs[0]);

    static BlockedRole RoleOf(Node node, int block) => node.Rule is LayerDefinition d ? d.Blocked(node, block) : BlockedRole.None;

    /// <summary>What one running step can read and write blocked: a fused convolution by its kernel, any other layer by its type.</summary>
    sealed class StepLayout
    {
        readonly ConvFusion? _fusion;
        readonly BlockedKernel _kernel;
        readonly BlockedRole _role;

        public StepLayout(Node node, FusionPlan fusions, int block, bool identity)
        {
            _fusion = identity ? null : fusions.FusionAt(node);
            _kernel = _fusion is null ? BlockedKernel.None : KernelOf(_fusion);
            _role = identity ? BlockedRole.Through : _fusion is null ? RoleOf(node, block) : BlockedRole.None;
            Inputs = _fusion?.Residual is { } r ? [.. node.Inputs, r] : node.Inputs;
            Outputs = _fusion is null ? node.Outputs : [_fusion.Result];
        }

        /// <summary>The values read (a fused shortcut last) and written.</summary>
        public IReadOnlyList<Value> Inputs { get; }

        public IReadOnlyList<Value> Outputs { get; }

        public bool ReadsBlocked(int input) => _fusion is null
            ? _role == BlockedRole.Through || (_role == BlockedRole.Ends && input == 0)
            // The main input if the kernel reads blocked; the shortcut with any blocked kernel.
            : _kernel != BlockedKernel.None && (input == 0 ? _kernel != BlockedKernel.Direct : _fusion.Residual is not null && input == Inputs.Count - 1);

        public bool WritesBlocked => _fusion is null ? _role == BlockedRole.Through : _kernel != BlockedKernel.None;

        /// <summary>Drops from <paramref name="blocked"/> what this step would have to reorder into a run; true if it dropped any.</summary>
        public bool Strand(HashSet<Value> blocked, FusionPlan fusions)
        {
            if (_fusion is not null)
            {
                if (!blocked.Contains(_fusion.Result))
                    return false;
                bool input = _kernel == BlockedKernel.Direct || blocked.Contains(fusions.StorageOf(Inputs[0]));
                bool residual = _fusion.Residual is not { } r || blocked.Contains(fusions.StorageOf(r));
                return !(input && residual) && blocked.Remove(_fusion.Result);
            }
            if (_role != BlockedRole.Through)
                return false;
            var members = Inputs.Concat(Outputs).Select(fusions.StorageOf).ToList();
            if (members.All(blocked.Contains) || !members.Any(blocked.Contains))
                return false;
            foreach (var v in members)
                blocked.Remove(v);
            return true;
        }
    }

    /// <summary>
    /// The blocked kernel of a fused convolution: depthwise; 1x1 stride 1 unpadded over more than one
    /// pixel; direct for group 1 with at most 4 input channels (reading NCHW); any other group 1
    /// window (KxK, strided 1x1) on the blocked input, by Winograd's transform where it pays (see
    /// <see cref="BlockedWinograd.TileFor"/>); or none. A 1x1 with a chained depthwise convolution
    /// (<see cref="ChainDepthwise"/>) is laid out by its 1x1: it reads and writes blocked.
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
        if (a.Group != 1)
            return BlockedKernel.None;
        if (channels <= 4)
            return BlockedKernel.Direct;
        var window = new ConvWindow(a.KernelH, a.KernelW, a.StrideH, a.StrideW, a.PadH, a.PadW, a.DilationH, a.DilationW);
        var output = node.Outputs[0].Shape;
        return output is { IsComplete: true, Rank: 4 } && BlockedWinograd.TileFor(window, channels, output[2], output[3]) > 0
            ? BlockedKernel.Winograd : BlockedKernel.Conv;
    }
}

/// <summary>Which blocked kernel runs a fused convolution (<see cref="ChannelLayout.KernelOf"/>).</summary>
internal enum BlockedKernel { None, Depthwise, Pointwise, Direct, Conv, Winograd }
