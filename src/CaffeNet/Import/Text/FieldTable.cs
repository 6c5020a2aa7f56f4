using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace CaffeNet.Import.Text;

/// <summary>A message type's fields, looked up by name without allocating; built once per type.</summary>
sealed class FieldTable
{
    static readonly ConcurrentDictionary<MessageDescriptor, FieldTable> Cache = new();

    readonly Dictionary<string, FieldDescriptor>.AlternateLookup<ReadOnlySpan<char>> byName;
    readonly string[] names;

    FieldTable(MessageDescriptor descriptor)
    {
        Descriptor = descriptor;
        var fields = descriptor.Fields.InDeclarationOrder();
        var lookup = new Dictionary<string, FieldDescriptor>(fields.Count, StringComparer.Ordinal);
        foreach (var f in fields)
            lookup[f.Name] = f;
        byName = lookup.GetAlternateLookup<ReadOnlySpan<char>>();
        FieldCount = fields.Count;
        Required = fields.Where(f => f.IsRequired).ToArray();
        names = fields.Select(f => f.Name).ToArray();
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

    /// <summary>The known field name closest to a misspelt one, if any is close enough to be a
    /// likely typo (see <see cref="NameSuggester.Nearest"/>), and its edit distance.</summary>
    public string? Nearest(ReadOnlySpan<char> name, out int distance) =>
        NameSuggester.Nearest(name, names, out distance);
}
