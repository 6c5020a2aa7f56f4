using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using CaffeNet.Runtime;

namespace CaffeNet;

// Run on System.Numerics.Tensors' types (not [Experimental] since 10.0, which this package
// references). A tensor's lengths must be exactly the input's shape: reading a 3x224x224 tensor
// as 1x3x224x224 would hide a batch mistake, so no dimension is added or dropped. A row-major dense
// tensor is read in place as a span is; any other strides are gathered into the run's memory.
public sealed partial class CaffeModel
{
    /// <summary>
    /// Runs a net that has one input on <paramref name="input"/> (a <see cref="Tensor{T}"/> converts to
    /// it), whose lengths must be exactly the input's shape (see <see cref="Inputs"/>). A dense row-major
    /// tensor is read in place as <see cref="Run(ReadOnlySpan{float})"/> reads a span; one with other
    /// strides (a slice, a transposed or broadcast view) is gathered in row-major order into the run's memory.
    /// </summary>
    /// <exception cref="CaffeNetException">The net has several inputs, or the tensor another shape (the message names the input and both shapes).</exception>
    public unsafe RunResult Run(in ReadOnlyTensorSpan<float> input)
    {
        var state = State();
        RequireOneInput(state);
        RequireShape(state.Inputs[0], input.Lengths);
        fixed (float* floats = input)
        {
            var context = state.Rent();
            try
            {
                GiveInput(context, 0, input, floats);
                context.Run();
            }
            catch
            {
                state.Return(context);
                throw;
            }
            return new RunResult(state, context);
        }
    }

    /// <summary>
    /// Runs the net on named tensors, one for each of <see cref="Inputs"/>, each of exactly its input's
    /// shape; read as <see cref="Run(in ReadOnlyTensorSpan{float})"/> reads one.
    /// </summary>
    public unsafe RunResult Run(IReadOnlyDictionary<string, Tensor<float>> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var state = State();
        var given = inputs.ToArray();
        var order = Order(state, [.. given.Select(p => new ModelInput(p.Key, default))]);
        var tensors = new Tensor<float>[order.Length];
        for (int i = 0; i < order.Length; i++)
        {
            var (name, tensor) = given[order[i]];
            tensors[i] = tensor ?? throw new ArgumentNullException(nameof(inputs), $"input {Excerpt.Name(name)} is null");
            RequireShape(state.Inputs[i], tensor.Lengths);
        }
        var pins = new MemoryHandle[order.Length];
        var context = state.Rent();
        try
        {
            for (int i = 0; i < order.Length; i++)
            {
                pins[i] = tensors[i].GetPinnedHandle();
                GiveInput(context, i, tensors[i], (float*)Unsafe.AsPointer(ref tensors[i].GetPinnableReference()));
            }
            context.Run();
        }
        catch
        {
            state.Return(context);
            throw;
        }
        finally
        {
            foreach (var pin in pins)
                pin.Dispose();
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

    static void RequireShape(TensorInfo input, ReadOnlySpan<nint> lengths)
    {
        if (!TensorShapes.Match(input.Shape, lengths))
            throw new CaffeNetException($"input {Excerpt.Name(input.Name)} is {input.Shape}; the tensor given is {TensorShapes.Format(lengths)}");
    }

    /// <summary>Gives a pinned tensor (<paramref name="floats"/> is its first element) to a run: in place when row-major dense, else gathered.</summary>
    static unsafe void GiveInput(RunContext context, int index, in ReadOnlyTensorSpan<float> tensor, float* floats)
    {
        if (TensorShapes.IsRowMajor(tensor.Lengths, tensor.Strides))
            context.UseInput(index, floats, checked((int)tensor.FlattenedLength));
        else
            tensor.FlattenTo(context.InputSpan(index));
    }
}
