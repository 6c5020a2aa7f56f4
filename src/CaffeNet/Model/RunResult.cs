using CaffeNet.Runtime;

namespace CaffeNet;

/// <summary>
/// What one <see cref="CaffeModel"/> run gave: the net outputs and kept blobs, by name, read in
/// place from the memory the run used. Dispose it when done, so the next run can reuse that memory;
/// its outputs are not readable afterwards. Not meant to be shared across threads while disposed.
/// </summary>
public sealed class RunResult : IDisposable
{
    readonly ModelState _state;
    readonly Dictionary<string, ModelOutput> _byName = new(StringComparer.Ordinal);
    RunContext? _context;

    internal RunResult(ModelState state, RunContext context)
    {
        _state = state;
        _context = context;
        var outputs = new List<ModelOutput>();
        foreach (var value in state.Net.Graph.Outputs)
        {
            var produced = context.Produced(value);
            var output = new ModelOutput(this, value.Name, new Shape(produced.Shape.ToArray()), produced);
            outputs.Add(output);
            _byName[value.Name] = output;
        }
        Outputs = outputs;
        for (int i = 0; i < state.KeptNames.Count; i++)
            _byName.TryAdd(state.KeptNames[i], new ModelOutput(this, state.KeptNames[i], state.Net.Kept[i].Value.Shape, context.Kept(i)));
    }

    /// <summary>The net outputs, in <see cref="CaffeModel.Outputs"/> order.</summary>
    public IReadOnlyList<ModelOutput> Outputs { get; }

    /// <summary>A net output or a kept blob (<see cref="CaffeModelOptions.KeepBlobs"/>) by name.</summary>
    /// <exception cref="KeyNotFoundException">The name is neither; the message lists what is there.</exception>
    public ModelOutput this[string name] => _byName.TryGetValue(name, out var output) ? output
        : throw new KeyNotFoundException($"no output or kept blob {Excerpt.Name(name)} (there are: {Excerpt.List(_byName.Keys)}); " +
            "keep an intermediate blob with CaffeModelOptions.KeepBlobs");

    /// <summary>The first net output: the result of a net with one output.</summary>
    public ModelOutput Output => Outputs[0];

    /// <summary>Hands the run's memory back to the model for the next run.</summary>
    public void Dispose()
    {
        var context = Interlocked.Exchange(ref _context, null);
        if (context is not null)
            _state.Return(context);
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_context is null, this);
}
