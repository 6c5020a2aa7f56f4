using System.Collections.Concurrent;
using Google.Protobuf.Reflection;

namespace CaffeNet.Import.Text;

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
        Names = descriptor.Values.Select(v => v.Name).ToArray();
        // proto2 enums are closed: a number the schema does not list is an error, as in protoc.
        IsClosed = descriptor.File.ToProto().Syntax != "proto3";
    }

    public static EnumTable For(EnumDescriptor descriptor) =>
        Cache.GetOrAdd(descriptor, static d => new EnumTable(d));

    public EnumDescriptor Descriptor { get; }

    public bool IsClosed { get; }

    /// <summary>Value names in declaration order.</summary>
    public string[] Names { get; }

    public object? Find(ReadOnlySpan<char> name) => byName.TryGetValue(name, out var v) ? v : null;

    public object? Find(int number) => byNumber.TryGetValue(number, out var v) ? v : null;

    /// <summary>A value of an open enum the schema does not list.</summary>
    public object Box(int number) => Descriptor.ClrType is { } type ? Enum.ToObject(type, number) : number;
}
