using System.Numerics.Tensors;

namespace CaffeNet;

// Run on System.Numerics.Tensors' types (not [Experimental] since 10.0, which this package
// references). A tensor's lengths must be exactly the input's shape: reading a 3x224x224 tensor
// as 1x3x224x224 would hide a batch mistake, so no dimension is added or dropped. Inputs are copied
// into the run's arena rather than bound in place: the copy costs about 0.1% of a MobileNetV2
// forward, and Caffe lets a layer work in place on its input, which must not write into the caller's memory.
public sealed partial class CaffeModel
{
    /// <summary>
    /// Runs a net that has one input on <paramref name="input"/> (a <see cref="Tensor{T}"/> converts to
    /// it), whose lengths must be exactly the input's shape (see <see cref="Inputs"/>). A dense tensor is
    /// read in place and copied once into the run's memory, as a span is; one with other strides (a
    /// slice, a transposed or broadcast view) is gathered in row-major order in that same single copy.
    /// </summary>
    /// <exception cref="CaffeNetException">The net has several inputs, or the tensor another shape (the message names the input and both shapes).</exception>
    public RunResult Run(in ReadOnlyTensorSpan<float> input)
    {
        var state = State();
        if (state.Inputs.Count != 1)
            throw new CaffeNetException($"net {Excerpt.Name(Name)} has {state.Inputs.Count} inputs ({Excerpt.List(state.Inputs.Select(i => i.ToString()))}); give them by name");
        var context = state.Rent();
        try
        {
            CopyIn(state.Inputs[0], input, context.InputSpan(0));
            context.Run();
        }
        catch
        {
            state.Return(context);
            throw;
        }
        return new RunResult(state, context);
    }

    /// <summary>
    /// Runs the net on named tensors, one for each of <see cref="Inputs"/>, each of exactly its input's
    /// shape; read as <see cref="Run(in ReadOnlyTensorSpan{float})"/> reads one.
    /// </summary>
    public RunResult Run(IReadOnlyDictionary<string, Tensor<float>> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var state = State();
        var given = inputs.ToArray();
        var order = Order(state, [.. given.Select(p => new ModelInput(p.Key, default))]);
        var context = state.Rent();
        try
        {
            for (int i = 0; i < order.Length; i++)
                CopyIn(state.Inputs[i], given[order[i]].Value ?? throw new ArgumentNullException(nameof(inputs), $"input {Excerpt.Name(given[order[i]].Key)} is null"), context.InputSpan(i));
            context.Run();
        }
        catch
        {
            state.Return(context);
            throw;
        }
        return new RunResult(state, context);
    }

    /// <summary>
    /// Runs a net with one input and one output, writing the output into <paramref name="output"/>, the
    /// caller's tensor span of exactly the output's shape (any strides: a slice of a larger tensor is written in place).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="output"/> has another shape.</exception>
    public void Run(in ReadOnlyTensorSpan<float> input, in TensorSpan<float> output)
    {
        using var result = Run(input);
        if (result.Outputs.Count != 1)
            throw new CaffeNetException($"net {Excerpt.Name(Name)} has {result.Outputs.Count} outputs; name the tensors for them");
        result.Output.CopyTo(output);
    }

    /// <summary>
    /// Runs the net on named tensors and writes the outputs or kept blobs named in
    /// <paramref name="outputs"/> into the caller's tensors (each of exactly the blob's shape); the
    /// run's own memory goes straight back to the pool.
    /// </summary>
    public void Run(IReadOnlyDictionary<string, Tensor<float>> inputs, IReadOnlyDictionary<string, Tensor<float>> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        using var result = Run(inputs);
        foreach (var (name, tensor) in outputs)
            result[name].CopyTo(tensor ?? throw new ArgumentNullException(nameof(outputs), $"output {Excerpt.Name(name)} is null"));
    }

    static void CopyIn(TensorInfo input, in ReadOnlyTensorSpan<float> tensor, Span<float> slot)
    {
        if (!TensorShapes.Match(input.Shape, tensor.Lengths))
            throw new CaffeNetException($"input {Excerpt.Name(input.Name)} is {input.Shape}; the tensor given is {TensorShapes.Format(tensor.Lengths)}");
        tensor.FlattenTo(slot);
    }
}
