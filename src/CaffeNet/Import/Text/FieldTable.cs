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
    public IMessage NewMessage() => (IMessage)Activator.CreateInstance(Descriptor.ClrType)!;

    public FieldDescriptor? Find(ReadOnlySpan<char> name) =>
        byName.TryGetValue(name, out var f) ? f : null;

    /// <summary>The known field name closest to a misspelt one, if any is close enough to be a likely typo.</summary>
    public string? Nearest(string name) =>
        NameSuggester.Nearest(name, Descriptor.Fields.InDeclarationOrder().Select(f => f.Name));
}
