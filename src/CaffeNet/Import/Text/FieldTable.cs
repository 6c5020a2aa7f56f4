using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace CaffeNet.Import.Text;

/// <summary>A message type's fields, looked up by name without allocating; built once per type.</summary>
sealed class FieldTable
{
    static readonly ConcurrentDictionary<MessageDescriptor, FieldTable> Cache = new();

    readonly Dictionary<string, FieldDescriptor>.AlternateLookup<ReadOnlySpan<char>> byName;

    FieldTable(MessageDescriptor descriptor)
    {
        Descriptor = descriptor;
        var fields = descriptor.Fields.InDeclarationOrder();
        var names = new Dictionary<string, FieldDescriptor>(fields.Count, StringComparer.Ordinal);
        foreach (var f in fields)
            names[f.Name] = f;
        byName = names.GetAlternateLookup<ReadOnlySpan<char>>();
        FieldCount = fields.Count;
        Required = fields.Where(f => f.IsRequired).ToArray();
    }

    public static FieldTable For(MessageDescriptor descriptor) =>
        Cache.GetOrAdd(descriptor, static d => new FieldTable(d));

    public MessageDescriptor Descriptor { get; }

    /// <summary>Fields are numbered 0..FieldCount-1 by <see cref="DescriptorBase.Index"/>.</summary>
    public int FieldCount { get; }

    public FieldDescriptor[] Required { get; }

    /// <summary>A new, empty message of this type.</summary>
    public IMessage NewMessage() => Descriptor.Parser.ParseFrom(ReadOnlySpan<byte>.Empty);

    public FieldDescriptor? Find(ReadOnlySpan<char> name) =>
        byName.TryGetValue(name, out var f) ? f : null;

    /// <summary>The known field name closest to a misspelt one, if any is close enough to be a likely typo.</summary>
    public string? Nearest(string name) =>
        NameSuggester.Nearest(name, Descriptor.Fields.InDeclarationOrder().Select(f => f.Name));
}

/// <summary>An enum type's values by name and number, with the boxed values reflection setters take.</summary>
sealed class EnumTable
{
    static readonly ConcurrentDictionary<EnumDescriptor, EnumTable> Cache = new();

    readonly Dictionary<string, object>.AlternateLookup<ReadOnlySpan<char>> byName;
    readonly Dictionary<int, object> byNumber = [];

    EnumTable(EnumDescriptor descriptor)
    {
        Descriptor = descriptor;
        var names = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var v in descriptor.Values)
        {
            // Aliases share a number; the first value declared keeps it.
            if (!byNumber.TryGetValue(v.Number, out var boxed))
            {
                boxed = descriptor.ClrType is { } type ? Enum.ToObject(type, v.Number) : v.Number;
                byNumber[v.Number] = boxed;
            }
            names[v.Name] = boxed;
        }
        byName = names.GetAlternateLookup<ReadOnlySpan<char>>();
        // proto2 enums are closed: a number the schema does not list is an error, as in protoc.
        IsClosed = descriptor.File.ToProto().Syntax != "proto3";
    }

    public static EnumTable For(EnumDescriptor descriptor) =>
        Cache.GetOrAdd(descriptor, static d => new EnumTable(d));

    public EnumDescriptor Descriptor { get; }

    public bool IsClosed { get; }

    public object? Find(ReadOnlySpan<char> name) => byName.TryGetValue(name, out var v) ? v : null;

    public object? Find(int number) => byNumber.TryGetValue(number, out var v) ? v : null;

    /// <summary>A value of an open enum the schema does not list.</summary>
    public object Box(int number) => Descriptor.ClrType is { } type ? Enum.ToObject(type, number) : number;
}
