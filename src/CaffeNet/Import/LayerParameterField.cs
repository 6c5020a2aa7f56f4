using CaffeNet.Proto;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace CaffeNet.Import;

/// <summary>
/// A field a fork's caffe.proto adds to LayerParameter and BVLC's schema lacks, such as
/// `optional CubeParameter cube_param = 1001;`. Given to the readers
/// (<see cref="ImportOptions.LayerFields"/>), it lets a prototxt set the field by name, checked
/// strictly against <paramref name="Message"/>, and a binary file carry it; either way the layer
/// keeps it as an unknown field, which <see cref="Read{T}"/> decodes.
/// </summary>
/// <param name="Name">The field name as prototxt writes it, e.g. "cube_param".</param>
/// <param name="Number">The field number the fork gives it; one BVLC's LayerParameter does not use.</param>
/// <param name="Message">The field's message type: the descriptor of a class protoc generated from the fork's .proto.</param>
public sealed record LayerParameterField(string Name, int Number, MessageDescriptor Message)
{
    /// <summary>Refuses a name or number that BVLC's LayerParameter already has, or a number protobuf cannot hold.</summary>
    public string Name { get; } = LayerParameter.Descriptor.FindFieldByName(Name) is null
        ? Name
        : throw new ArgumentException($"LayerParameter already has a field named {Excerpt.Name(Name)}", nameof(Name));

    /// <inheritdoc cref="LayerParameterField"/>
    public int Number { get; } = Number is < 1 or > (1 << 29) - 1 or (>= 19000 and <= 19999)
        ? throw new ArgumentOutOfRangeException(nameof(Number), Number, "not a valid protobuf field number")
        : LayerParameter.Descriptor.FindFieldByNumber(Number) is { } taken
            ? throw new ArgumentException($"LayerParameter already uses field number {Number} (for {taken.Name})", nameof(Number))
            : Number;

    /// <summary>
    /// This field of <paramref name="layer"/> parsed as <typeparamref name="T"/> (the type of
    /// <see cref="Message"/>); several occurrences merge, as protobuf's do. Null when the layer
    /// does not set it.
    /// </summary>
    public T? Read<T>(LayerParameter layer) where T : class, IMessage<T>, new()
    {
        ArgumentNullException.ThrowIfNull(layer);
        var message = new T();
        if (message.Descriptor != Message)
            throw new ArgumentException($"field {Excerpt.Name(Name)} holds {Message.FullName}, not {message.Descriptor.FullName}", nameof(T));
        return layer.MergeUnknownField(Number, message) ? message : null;
    }
}
