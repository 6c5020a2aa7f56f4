using System.Text.Unicode;
using CaffeNet.Proto;
using Google.Protobuf.Reflection;

namespace CaffeNet.Import.Binary;

/// <summary>
/// Walks protobuf wire format against the schema before Google.Protobuf parses it. Every tag,
/// wire type, varint, length and nesting level is checked here, so a bad file is refused with the
/// byte offset where it goes wrong (Google.Protobuf's exceptions carry no position), and no length
/// read from the file is ever trusted beyond the bytes that remain around it. Data is skipped, not
/// read: packed floats cost nothing here.
/// </summary>
/// <remarks>
/// It also adds up the memory the parsed objects will take. A few bytes on the wire can become a
/// large object (an empty layer is 3 bytes and an ~800-byte LayerParameter), so a file that would
/// need far more memory than its own size is refused before parsing starts.
/// </remarks>
internal ref struct WireValidator
{
    /// <summary>Nesting limit. Caffe nets nest 5 deep; Google.Protobuf stops at 100, so this one
    /// always trips first and with an offset.</summary>
    public const int MaxDepth = 64;

    /// <summary>Objects may take this much more than the file: 4 bytes per file byte, plus this.</summary>
    const long BudgetSlack = 256L << 20;

    readonly ReadOnlySpan<byte> data;
    readonly string file;
    readonly ImportOptions options;
    readonly long budget;
    readonly List<string> path = [];
    readonly Dictionary<MessageDescriptor, long> messageCosts = [];
    readonly Dictionary<MessageDescriptor, FieldDescriptor[]> requiredFields = [];
    Dictionary<(MessageDescriptor Type, int Number), (int First, int Count)>? unknown;
    long cost;
    bool undefinedEnums;

    WireValidator(ReadOnlySpan<byte> data, string file, ImportOptions options)
    {
        this.data = data;
        this.file = file;
        this.options = options;
        budget = 4L * data.Length + BudgetSlack;
    }

    /// <summary>Throws <see cref="CaffeFormatException"/> if <paramref name="data"/> is not a valid
    /// <paramref name="type"/>. Returns whether some enum field holds a value its enum does not
    /// define (only ever true when lenient).</summary>
    public static bool Validate(ReadOnlySpan<byte> data, MessageDescriptor type, string file, ImportOptions options)
    {
        var v = new WireValidator(data, file, options);
        v.path.Add(type.FullName);
        v.Charge(v.MessageCost(type), 0);
        v.Message(0, data.Length, type, 1, 0);
        v.ReportUnknownFields();
        return v.undefinedEnums;
    }

    /// <summary>Checks fields from <paramref name="pos"/> up to <paramref name="end"/>; for a group
    /// (<paramref name="group"/> &gt; 0) stops after its end tag and returns the position after it.</summary>
    int Message(int pos, int end, MessageDescriptor? type, int depth, int group)
    {
        int start = pos;
        Dictionary<int, int>? counts = null;
        var required = type is null ? [] : RequiredOf(type);
        ulong requiredSeen = 0;
        while (pos < end)
        {
            int at = pos;
            ulong tag = Varint(ref pos, end, at, "tag");
            int wire = (int)(tag & 7);
            if (tag > uint.MaxValue || tag >> 3 == 0)
                throw Error(at, $"invalid tag {tag} (field number {tag >> 3}); this is not a protobuf {Root} here");
            int number = (int)(tag >> 3);
            if (wire == WireEndGroup)
            {
                if (number == group)
                    return pos;
                throw Error(at, group == 0
                    ? $"end-group tag for field {number} with no group open"
                    : $"end-group tag for field {number} inside group {group}");
            }

            var field = type?.FindFieldByNumber(number);
            if (field is null && type == LayerParameter.Descriptor && LayerField(number) is { } custom)
            {
                pos = CustomField(at, pos, end, wire, custom, depth);
                continue;
            }
            if (field is { IsRequired: true })
                requiredSeen |= 1UL << Array.IndexOf(required, field);
            if (field is null && type != null)
                NoteUnknown(type, number, at);
            else if (field != null && !Fits(field, wire))
            {
                if (!options.Lenient)
                    throw Error(at, $"{Here(field.Name)} is {TypeName(field)}, but the file has wire type {wire} ({WireName(wire)})");
                options.Warning?.Invoke($"{file}: byte {at}: {Here(field.Name)} has wire type {wire}, " +
                    $"not that of {TypeName(field)}; kept as an unknown field");
                field = null;
            }

            // caffe.proto has no groups; one in another schema is walked like an unknown group.
            if (field is null || field.FieldType is FieldType.Group)
                pos = Unknown(at, pos, end, wire, number, depth);
            else if (field.FieldType is FieldType.Message)
            {
                string step = field.Name;
                if (field.IsRepeated)
                {
                    counts ??= [];
                    int index = counts.GetValueOrDefault(number);
                    counts[number] = index + 1;
                    step = $"{field.Name}[{index}]";
                }
                int len = Length(ref pos, end, at, field.Name);
                Nest(at, depth);
                path.Add(step);
                Charge(MessageCost(field.MessageType), at);
                Message(pos, pos + len, field.MessageType, depth + 1, 0);
                path.RemoveAt(path.Count - 1);
                pos += len;
            }
            else if (wire == WireLength)
                pos = LengthDelimited(at, pos, end, field);
            else if (field.FieldType is FieldType.Enum)
            {
                EnumValue(field, Varint(ref pos, end, at, field.Name), at);
                if (field.IsRepeated)
                    Charge(ElementCost, at);
            }
            else
            {
                Scalar(ref pos, end, at, wire, field.Name);
                if (field.IsRepeated)
                    Charge(ElementCost, at);
            }
        }
        if (group != 0)
            throw Error(end, $"group {group} has no end-group tag before {EndName(end)}");
        CheckRequired(required, requiredSeen, start);
        return pos;
    }

    /// <summary>Caffe's C++ parser refuses a message that lacks a required field (ClipParameter's
    /// min and max), and so does the prototxt reader; so, in both modes, does this one.</summary>
    void CheckRequired(FieldDescriptor[] required, ulong seen, int start)
    {
        for (int i = 0; i < required.Length; i++)
        {
            if ((seen & 1UL << i) == 0)
                throw Error(start, $"{string.Join('.', path)} ({required[i].ContainingType.FullName}) is missing required field \"{required[i].Name}\"");
        }
    }

    FieldDescriptor[] RequiredOf(MessageDescriptor type)
    {
        if (!requiredFields.TryGetValue(type, out var fields))
        {
            fields = type.Fields.InDeclarationOrder().Where(f => f.IsRequired).ToArray();
            if (fields.Length > 64)
                throw new NotSupportedException($"{type.FullName} has more than 64 required fields");
            requiredFields[type] = fields;
        }
        return fields;
    }

    /// <summary>A string, bytes or packed field: its length, then what it holds.</summary>
    int LengthDelimited(int at, int pos, int end, FieldDescriptor field)
    {
        int len = Length(ref pos, end, at, field.Name);
        var body = data.Slice(pos, len);
        switch (field.FieldType)
        {
            case FieldType.String:
                if (!Utf8.IsValid(body))
                    throw Error(at, $"{Here(field.Name)} is a string but is not valid UTF-8");
                Charge(ObjectCost + 2L * len, at);
                break;
            case FieldType.Bytes:
                Charge(ObjectCost + len, at);
                break;
            default:
                int size = FixedSize(field.FieldType);
                if (size > 0)
                {
                    if (len % size != 0)
                        throw Error(at, $"{Here(field.Name)} is packed {TypeName(field)} values of {size} bytes each, " +
                            $"but its length {len} is not a multiple of {size}");
                    Charge(len, at);
                }
                else
                {
                    for (int p = pos; p < pos + len;)
                    {
                        int valueAt = p;
                        ulong value = Varint(ref p, pos + len, valueAt, field.Name);
                        if (field.FieldType is FieldType.Enum)
                            EnumValue(field, value, valueAt);
                        Charge(ElementCost, at);
                    }
                }
                break;
        }
        return pos + len;
    }

    /// <summary>
    /// A value the enum does not define: a file written with another schema. Caffe (C++, proto2)
    /// would set it aside as unknown and read the field as unset. Strictly that is refused;
    /// leniently it is reported, and BinaryFormat unsets the field (<see cref="UndefinedEnums"/>).
    /// </summary>
    void EnumValue(FieldDescriptor field, ulong raw, int at)
    {
        // Enums are int32 on the wire (negative ones sign-extended to 64 bits), read as the low 32 bits.
        int value = unchecked((int)raw);
        if (field.EnumType.FindValueByNumber(value) is not null)
            return;
        string message = $"{Here(field.Name)} is enum {field.EnumType.FullName}, which has no value {value}";
        if (!options.Lenient)
            throw Error(at, message);
        undefinedEnums = true;
        options.Warning?.Invoke($"{file}: byte {at}: {message}; read as unset, as Caffe does");
    }

    /// <summary>Forks add fields BVLC's schema lacks; each kind is reported once, with how often it occurs.</summary>
    void NoteUnknown(MessageDescriptor type, int number, int at)
    {
        if (options.Warning is null)
            return;
        unknown ??= [];
        var key = (type, number);
        unknown[key] = unknown.TryGetValue(key, out var seen) ? (seen.First, seen.Count + 1) : (at, 1);
    }

    readonly void ReportUnknownFields()
    {
        if (unknown is null)
            return;
        foreach (var ((type, number), (first, count)) in unknown)
            options.Warning!($"{file}: byte {first}: {type.FullName} has no field {number} " +
                $"({(count == 1 ? "once" : $"{count} times")} in the file); binary output keeps it, prototxt output leaves it out");
    }

    readonly LayerParameterField? LayerField(int number)
    {
        foreach (var f in options.LayerFields)
            if (f.Number == number)
                return f;
        return null;
    }

    /// <summary>
    /// A custom layer's parameter field: kept as raw bytes like any unknown field, but checked as
    /// its message type first, so a bad one is refused here with its offset, not when the layer reads it.
    /// </summary>
    int CustomField(int at, int pos, int end, int wire, LayerParameterField custom, int depth)
    {
        if (wire != WireLength)
        {
            if (!options.Lenient)
                throw Error(at, $"{Here(custom.Name)} is {custom.Message.FullName}, but the file has wire type {wire} ({WireName(wire)})");
            options.Warning?.Invoke($"{file}: byte {at}: {Here(custom.Name)} has wire type {wire}, " +
                $"not that of {custom.Message.FullName}; kept as an unknown field");
            return Unknown(at, pos, end, wire, custom.Number, depth);
        }
        int len = Length(ref pos, end, at, custom.Name);
        Nest(at, depth);
        Charge(ObjectCost + len, at);
        path.Add(custom.Name);
        Message(pos, pos + len, custom.Message, depth + 1, 0);
        path.RemoveAt(path.Count - 1);
        return pos + len;
    }

    /// <summary>A field the schema does not know: kept by Google.Protobuf as raw bytes.</summary>
    int Unknown(int at, int pos, int end, int wire, int number, int depth)
    {
        Charge(ObjectCost, at);
        switch (wire)
        {
            case WireStartGroup:
                Nest(at, depth);
                path.Add(GroupPrefix + number);
                pos = Message(pos, end, null, depth + 1, number);
                path.RemoveAt(path.Count - 1);
                return pos;
            case WireLength:
                int len = Length(ref pos, end, at, $"field {number}");
                Charge(len, at);
                return pos + len;
            default:
                Scalar(ref pos, end, at, wire, $"field {number}");
                return pos;
        }
    }

    void Scalar(ref int pos, int end, int at, int wire, string name)
    {
        switch (wire)
        {
            case WireVarint:
                Varint(ref pos, end, at, name);
                break;
            case WireFixed64:
            case WireFixed32:
                int size = wire == WireFixed64 ? 8 : 4;
                if (end - pos < size)
                    throw Error(at, $"{Here(name)} needs {size} bytes but only {end - pos} remain before {EndName(end)}");
                pos += size;
                break;
            default:
                throw Error(at, $"{Here(name)} has invalid wire type {wire}; this is not a protobuf {Root} here");
        }
    }

    /// <summary>Reads a length and checks it against the bytes left in the enclosing message.</summary>
    int Length(ref int pos, int end, int at, string name)
    {
        ulong len = Varint(ref pos, end, at, name);
        if (len > (ulong)(end - pos))
            throw Error(at, $"{Here(name)} claims {len} bytes but only {end - pos} remain before {EndName(end)}");
        return (int)len;
    }

    ulong Varint(ref int pos, int end, int at, string name)
    {
        ulong value = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (pos >= end)
                throw Error(at, $"{Here(name)}: varint cut off by {EndName(end)}");
            byte b = data[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return value;
        }
        throw Error(at, $"{Here(name)}: varint longer than 10 bytes");
    }

    void Nest(int at, int depth)
    {
        if (depth >= MaxDepth)
            throw Error(at, $"messages nested more than {MaxDepth} deep at {string.Join('.', path)}");
    }

    void Charge(long bytes, int at)
    {
        cost += bytes;
        if (cost > budget)
            throw Error(at, $"parsing would take more than {budget >> 20} MiB of objects for a " +
                $"{data.Length}-byte {Root} (too many tiny fields); refusing it");
    }

    /// <summary>Estimated size of one parsed message: its object, a slot per field, a list per repeated field.</summary>
    long MessageCost(MessageDescriptor type)
    {
        if (!messageCosts.TryGetValue(type, out long c))
        {
            var fields = type.Fields.InDeclarationOrder();
            messageCosts[type] = c = ObjectCost + 8L * fields.Count + ObjectCost * fields.Count(f => f.IsRepeated);
        }
        return c;
    }

    static bool Fits(FieldDescriptor field, int wire) =>
        wire == WireTypeOf(field.FieldType) ||
        (wire == WireLength && field.IsRepeated && WireTypeOf(field.FieldType) is WireVarint or WireFixed32 or WireFixed64);

    static int WireTypeOf(FieldType type) => type switch
    {
        FieldType.Double or FieldType.Fixed64 or FieldType.SFixed64 => WireFixed64,
        FieldType.Float or FieldType.Fixed32 or FieldType.SFixed32 => WireFixed32,
        FieldType.String or FieldType.Bytes or FieldType.Message => WireLength,
        FieldType.Group => WireStartGroup,
        _ => WireVarint,
    };

    static int FixedSize(FieldType type) => WireTypeOf(type) switch
    {
        WireFixed64 => 8,
        WireFixed32 => 4,
        _ => 0,
    };

    static string TypeName(FieldDescriptor f) =>
        (f.IsRepeated ? "repeated " : "") +
        (f.FieldType is FieldType.Message ? $"message {f.MessageType.FullName}" : f.FieldType.ToString().ToLowerInvariant());

    static string WireName(int wire) => wire switch
    {
        WireVarint => "varint",
        WireFixed64 => "64-bit",
        WireLength => "length-delimited",
        WireStartGroup => "start group",
        WireFixed32 => "32-bit",
        _ => "invalid",
    };

    string Root => path[0];

    string Here(string field) => $"{string.Join('.', path)}.{field}";

    /// <summary>Names the message that ends at <paramref name="end"/>: groups end with the message around them.</summary>
    string EndName(int end)
    {
        int n = path.Count;
        while (path[n - 1].StartsWith(GroupPrefix, StringComparison.Ordinal))
            n--;
        return n == 1 ? $"the end of the file (byte {end})" : $"the end of {string.Join('.', path.Take(n))} (byte {end})";
    }

    CaffeFormatException Error(int at, string message) => CaffeFormatException.AtByte(file, at, message);

    const int WireVarint = 0, WireFixed64 = 1, WireLength = 2, WireStartGroup = 3, WireEndGroup = 4, WireFixed32 = 5;
    const long ObjectCost = 32, ElementCost = 16;
    const string GroupPrefix = "group ";
}
