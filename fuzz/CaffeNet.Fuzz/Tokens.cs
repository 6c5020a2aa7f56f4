using CaffeNet.Runtime;
using CaffeNet.Proto;
using Google.Protobuf.Reflection;

namespace CaffeNet.Fuzz;

/// <summary>Dictionary tokens for prototxt targets: every field and enum name Caffe's schema
/// reaches from NetParameter, the layer types we know, and the text format's punctuation.</summary>
static class Tokens
{
    public static IEnumerable<string> Prototxt()
    {
        foreach (var type in Reachable(NetParameter.Descriptor))
        {
            foreach (var field in type.Fields.InFieldNumberOrder())
            {
                yield return field.Name;
                yield return field.FieldType is FieldType.Message ? $"{field.Name} {{" : $"{field.Name}: ";
                if (field.FieldType is FieldType.Enum)
                {
                    foreach (var value in field.EnumType.Values)
                        yield return value.Name;
                }
            }
        }
        foreach (var type in LayerRegistry.Default.Types)
            yield return $"\"{type}\"";
        foreach (var token in Punctuation)
            yield return token;
    }

    static readonly string[] Punctuation =
        ["{", "}", "<", ">", "[", "]", ":", ";", ",", "\"", "'", "#", "\n", "-", "0x", "1e38", "1e-45", "-inf", "nan",
         "2147483648", "4294967296", "9223372036854775808", "\\x", "\\u", "\\0"];

    static IEnumerable<MessageDescriptor> Reachable(MessageDescriptor root)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { root.FullName };
        var queue = new Queue<MessageDescriptor>([root]);
        while (queue.TryDequeue(out var type))
        {
            yield return type;
            foreach (var field in type.Fields.InFieldNumberOrder())
            {
                if (field.FieldType is FieldType.Message && seen.Add(field.MessageType.FullName))
                    queue.Enqueue(field.MessageType);
            }
        }
    }
}
