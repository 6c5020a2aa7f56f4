using System.Collections.Concurrent;
using CaffeNet.Runtime;

namespace CaffeNet;

/// <summary>
/// A <see cref="CaffeModel"/> at one set of input shapes: the compiled net, shared by every run,
/// and a pool of run contexts (arenas), one per run in flight. Reshaping makes a new state; runs
/// already going finish on the old one.
/// </summary>
sealed class ModelState
{
    readonly ConcurrentBag<RunContext> _free = [];
    readonly MemoryBudget _budget;
    readonly int _keepAtMost = Math.Max(2, Environment.ProcessorCount);
    int _created;

    public ModelState(CompiledNet net, IReadOnlyList<string> keptNames, MemoryBudget budget)
    {
        Net = net;
        KeptNames = keptNames;
        _budget = budget;
        Inputs = [.. net.Graph.Inputs.Select(v => new TensorInfo(v.Name, v.Shape))];
        Outputs = [.. net.Graph.Outputs.Select(v => new TensorInfo(v.Name, v.Shape))];
        Kept = [.. keptNames.Select((name, i) => new TensorInfo(name, net.Kept[i].Value.Shape))];
    }

    public CompiledNet Net { get; }

    /// <summary>The names kept blobs are asked for by, in <see cref="CompiledNet.Kept"/> order.</summary>
    public IReadOnlyList<string> KeptNames { get; }

    public IReadOnlyList<TensorInfo> Inputs { get; }

    public IReadOnlyList<TensorInfo> Outputs { get; }

    public IReadOnlyList<TensorInfo> Kept { get; }

    /// <summary>A free context, or a new one (its arena checked against the budget after the first, which the compile checked).</summary>
    public RunContext Rent()
    {
        if (_free.TryTake(out var context))
            return context;
        if (Interlocked.Increment(ref _created) > 1)
            _budget.Check(Net.Memory.ArenaBytes, $"net {Excerpt.Name(Net.Graph.Name)}: another run at once");
        return Net.CreateContext();
    }

    /// <summary>Keeps a context for the next run, up to a few (the rest go to the GC).</summary>
    public void Return(RunContext context)
    {
        // A run that failed while its inputs were being given may have bound some of the caller's floats.
        context.ReleaseInputs();
        if (_free.Count < _keepAtMost)
            _free.Add(context);
    }
}
