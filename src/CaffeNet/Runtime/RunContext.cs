using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CaffeNet.Graph;
using CaffeNet.Runtime.Layers;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Runtime;

/// <summary>
/// What one forward pass of a <see cref="CompiledNet"/> writes: the activation arena, the tensors
/// bound to it, copies of the kept values, and instances of layers that keep state. Not
/// thread-safe: one pass at a time; run the same net on several threads with a context each.
/// </summary>
sealed class RunContext
{
    readonly float[] _arena;
    readonly Tensor[] _values;
    readonly CallerFloats?[] _callers;
    // For each input that can be read in place, its values' tensors in the arena, to go back to after a run.
    readonly Tensor[]?[] _inArena;
    readonly ILayer[] _layers;
    readonly Tensor[][] _inputs;
    readonly Tensor[][] _outputs;
    readonly Tensor[] _kept;
    readonly Dictionary<int, IVariableOutput> _variable;

    public RunContext(CompiledNet net)
    {
        Net = net;
        // Pinned, so that the plan's cache-line alignment holds for the arena's lifetime.
        _arena = GC.AllocateArray<float>((int)net.Memory.ArenaFloats + MemoryPlan.Alignment, pinned: true);
        int start = CacheLineStart(_arena);
        _values = [.. net.Graph.Values.Select(v => new Tensor(net.ShapeOf(v), _arena, start + net.Memory.OffsetOf(v)))];
        _callers = [.. net.InputsInPlace.Select(p => p is null ? null : new CallerFloats())];
        _inArena = [.. net.InputsInPlace.Select(p => p?.Values.Select(id => _values[id]).ToArray())];
        _layers = [.. net.Steps.Select(net.LayerFor)];
        _inputs = [.. net.Steps.Select(s => s.Inputs.Select(id => _values[id]).ToArray())];
        _outputs = [.. net.Steps.Select(s => s.Outputs.Select(id => _values[id]).ToArray())];
        _kept = [.. net.Kept.Select(k => new Tensor(LayerFactory.ToTensorShape(k.Value.Shape)))];
        _variable = net.Steps.Select((s, i) => (s, _layers[i])).Where(p => p.Item2 is IVariableOutput)
            .ToDictionary(p => p.s.Outputs[0], p => (IVariableOutput)p.Item2);
    }

    public CompiledNet Net { get; }

    /// <summary>The tensor a value lives in; what it holds is valid only between passes as the memory plan allows.</summary>
    public Tensor ValueOf(Value value) => _values[value.Id];

    /// <summary>
    /// A value as its producer last wrote it: for a layer whose row count the data decides
    /// (DetectionOutput), the leading rows it wrote; otherwise the whole tensor.
    /// </summary>
    public Tensor Produced(Value value) =>
        _variable.TryGetValue(value.Id, out var v) ? _values[value.Id].Leading(v.Produced) : _values[value.Id];

    /// <summary>The copy of kept value <paramref name="index"/> (of <see cref="CompiledNet.Kept"/>) from the last pass.</summary>
    public Tensor Kept(int index) => _kept[index];

    /// <summary>The index of the first float of a pinned array that starts a 64-byte cache line.</summary>
    static unsafe int CacheLineStart(float[] pinned)
    {
        long address = (long)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
        return (int)((64 - (address & 63)) & 63) / sizeof(float);
    }

    /// <summary>Copies <paramref name="values"/> into input <paramref name="index"/> of the graph (in <see cref="NetGraph.Inputs"/> order).</summary>
    public void SetInput(int index, ReadOnlySpan<float> values) => values.CopyTo(InputSlot(index, values.Length).Span);

    /// <summary>
    /// Gives input <paramref name="index"/> (in <see cref="NetGraph.Inputs"/> order) the caller's
    /// floats for the next <see cref="Run"/>: read in place where <see cref="CompiledNet.InputsInPlace"/>
    /// allows, else copied into the arena. In place, the floats must stay pinned and unchanged until
    /// the run ends (or, if it never starts, until <see cref="ReleaseInputs"/>).
    /// </summary>
    public unsafe void UseInput(int index, float* floats, int length)
    {
        var slot = InputSlot(index, length);
        if (Net.InputsInPlace[index] is not { } inPlace || length == 0)
        {
            new ReadOnlySpan<float>(floats, length).CopyTo(slot.Span);
            return;
        }
        var caller = _callers[index]!;
        caller.Point(floats, length);
        foreach (int id in inPlace.Values)
            _values[id] = new Tensor(_values[id].Shape, caller);
        foreach (var (step, read) in inPlace.Reads)
            _inputs[step][read] = _values[Net.Steps[step].Inputs[read]];
    }

    /// <summary>Points every input read in place back at the arena, so that no caller's floats outlive their run.</summary>
    public void ReleaseInputs()
    {
        for (int index = 0; index < _callers.Length; index++)
        {
            // Length 0: not bound (an empty input is never bound), as after a run that copied its inputs.
            if (_callers[index] is not { Length: > 0 } caller)
                continue;
            var inPlace = Net.InputsInPlace[index]!;
            var arena = _inArena[index]!;
            for (int k = 0; k < arena.Length; k++)
                _values[inPlace.Values[k]] = arena[k];
            foreach (var (step, slot) in inPlace.Reads)
                _inputs[step][slot] = _values[Net.Steps[step].Inputs[slot]];
            unsafe { caller.Point(null, 0); }
        }
    }

    Tensor InputSlot(int index, int length)
    {
        var input = Net.Graph.Inputs[index];
        var slot = ArenaInput(index);
        if (length != slot.Count)
            throw new CaffeNetException($"input {Excerpt.Name(input.Name)} takes {slot.Count} values ({slot.Shape}), got {length}");
        return slot;
    }

    /// <summary>The memory of input <paramref name="index"/> of the graph (in <see cref="NetGraph.Inputs"/> order), for a caller that fills it itself.</summary>
    public Span<float> InputSpan(int index) => ArenaInput(index).Span;

    // The arena tensor of an input, even while the input is bound to a caller's floats.
    Tensor ArenaInput(int index) => _inArena[index] is { } arena ? arena[0] : _values[Net.Graph.Inputs[index].Id];

    /// <summary>
    /// Runs every step; with an observer, each step's outputs are reported as it ends. Inputs read
    /// in place (<see cref="UseInput"/>) are released when it returns or throws.
    /// </summary>
    public void Run(LayerObserver? observer = null)
    {
        try
        {
            RunSteps(observer);
        }
        finally
        {
            ReleaseInputs();
        }
    }

    void RunSteps(LayerObserver? observer)
    {
        CopyKept(-1);
        var steps = Net.Steps;
        for (int i = 0; i < steps.Count; i++)
        {
            try
            {
                _layers[i].Forward(_inputs[i], _outputs[i]);
            }
            catch (CaffeNetException e) when (!e.Message.StartsWith("layer '", StringComparison.Ordinal))
            {
                var node = steps[i].Node;
                throw new CaffeNetException($"{Excerpt.Layer(node.Name, node.Type)}: {e.Message}", e);
            }
            if (observer is not null)
                observer(steps[i].Node, _layers[i] is IVariableOutput v ? [_outputs[i][0].Leading(v.Produced)] : Observed(steps[i], i));
            CopyKept(i);
        }
    }

    /// <summary>A step's outputs as an observer sees them: NCHW, a blocked one reordered when it is read.</summary>
    IReadOnlyList<Tensor> Observed(CompiledNet.Step step, int index)
    {
        var outputs = _outputs[index];
        for (int k = 0; k < outputs.Length; k++)
        {
            if (Net.OutputBlocked(step, k))
                return new NchwOutputs(outputs, [.. step.Outputs.Select(id => Net.Graph.Values[id])], Net.Layout);
        }
        return outputs;
    }

    void CopyKept(int step)
    {
        var kept = Net.Kept;
        for (int k = 0; k < kept.Count; k++)
        {
            if (kept[k].After != step)
                continue;
            var value = kept[k].Value;
            if (Net.Layout.IsBlocked(value))
            {
                var d = value.Shape.Dims;
                BlockedReorder.ToNchw(_values[value.Id].Span, _kept[k].Span, d[0], d[1], d[2] * d[3], Net.Layout.Block);
            }
            else
            {
                _values[value.Id].Span.CopyTo(_kept[k].Span);
            }
        }
    }
}
