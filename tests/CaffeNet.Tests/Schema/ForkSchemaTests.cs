using System.Globalization;
using System.Text.RegularExpressions;
using CaffeNet.Proto;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace CaffeNet.Tests.Schema;

/// <summary>
/// The forks' fields in proto/caffe.proto have the numbers, types and defaults the forks give
/// them, so the forks' prototxt files parse and their caffemodels decode. The expected values
/// are in ForkFields.txt, one declaration per line as each fork's caffe.proto has it.
/// </summary>
public partial class ForkSchemaTests
{
    static readonly string TablePath = Path.Combine(TestPaths.Root, "tests", "CaffeNet.Tests", "Schema", "ForkFields.txt");

    [GeneratedRegex(@"^(optional|repeated) ([\w.]+) (\w+)\.(\w+) = (\d+)(?: \[default = (.*)\])?$")]
    private static partial Regex FieldLine();

    [GeneratedRegex(@"^enum (\w+)\.(\w+) (.+)$")]
    private static partial Regex EnumLine();

    static IEnumerable<string> TableLines() =>
        File.ReadLines(TablePath).Where(l => l.Length > 0 && !l.StartsWith('#'));

    static MessageDescriptor Message(string name) =>
        CaffeReflection.Descriptor.FindTypeByName<MessageDescriptor>(name)
        ?? throw new Xunit.Sdk.XunitException($"caffe.proto has no message {name}");

    [Fact]
    public void TableHasEveryFork()
    {
        var headers = File.ReadLines(TablePath).Where(l => l.StartsWith("# ", StringComparison.Ordinal) && l.Contains("commit")).ToList();
        Assert.Equal(5, headers.Count);
        Assert.True(TableLines().Count() > 300);
    }

    [Fact]
    public void EveryForkFieldHasTheForksNumberTypeAndDefault()
    {
        var problems = new List<string>();
        foreach (var line in TableLines().Where(l => !l.StartsWith("enum ", StringComparison.Ordinal)))
        {
            var m = FieldLine().Match(line);
            Assert.True(m.Success, $"unreadable line: {line}");
            var (label, type, message, name) = (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value);
            int number = int.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture);
            string? fallback = m.Groups[6].Success ? m.Groups[6].Value : null;

            var field = Message(message).FindFieldByName(name);
            if (field is null)
            {
                problems.Add($"{message}.{name}: missing");
                continue;
            }
            if (field.FieldNumber != number)
                problems.Add($"{message}.{name}: number {field.FieldNumber}, fork {number}");
            if (field.IsRepeated != (label == "repeated"))
                problems.Add($"{message}.{name}: repeated is {field.IsRepeated}, fork says {label}");
            if (TypeName(field) != type)
                problems.Add($"{message}.{name}: type {TypeName(field)}, fork {type}");
            else if (!field.IsRepeated && !DefaultMatches(field, fallback))
                problems.Add($"{message}.{name}: default {DefaultOf(field)}, fork {fallback ?? "(none)"}");
        }
        Assert.Empty(problems);
    }

    [Fact]
    public void EveryForkEnumHasTheForksValues()
    {
        foreach (var line in TableLines().Where(l => l.StartsWith("enum ", StringComparison.Ordinal)))
        {
            var m = EnumLine().Match(line);
            Assert.True(m.Success, $"unreadable line: {line}");
            var type = Message(m.Groups[1].Value).EnumTypes.Single(e => e.Name == m.Groups[2].Value);
            var expected = Regex.Matches(m.Groups[3].Value, @"(\w+) = (-?\d+)")
                .Select(v => (v.Groups[1].Value, int.Parse(v.Groups[2].Value, CultureInfo.InvariantCulture)));
            Assert.Equal(expected, type.Values.Select(v => (v.Name, v.Number)));
        }
    }

    /// <summary>
    /// Where ours differs from the fork on purpose: `number` is ours, the comment gives the fork's.
    /// Prototxt files name fields, so they parse either way; the fork's binaries hold these under
    /// the fork's number, which reads as another field here.
    /// </summary>
    [Theory]
    // alexgkendall/caffe-segnet 344c113: 138, which is BVLC's tile_param.
    [InlineData("LayerParameter", "dense_image_data_param", 1138)]
    // hszhao/PSPNet 798bdc9 and DeepLab v2: 143, which is BVLC's input_param.
    [InlineData("LayerParameter", "interp_param", 1143)]
    // caffe-segnet: 3, BVLC's LossParameter.normalization.
    [InlineData("LossParameter", "weight_by_label_freqs", 1003)]
    // caffe-segnet: 4, where MTCNN's caffemodels hold an integer a repeated float would refuse.
    [InlineData("LossParameter", "class_weighting", 1004)]
    // PSPNet: 1, 2 and 3, SegNet's scale_filler, shift_filler and bn_mode in the same message.
    [InlineData("BNParameter", "slope_filler", 1001)]
    [InlineData("BNParameter", "bias_filler", 1002)]
    [InlineData("BNParameter", "momentum", 1003)]
    // eric612/MobileNet-YOLO 69b4441: 150. SegNet has 137 (BVLC's embed_param).
    [InlineData("LayerParameter", "upsample_param", 150)]
    public void DeviationsFromAForkUseTheseNumbers(string message, string field, int number)
    {
        Assert.Equal(number, Message(message).FindFieldByName(field).FieldNumber);
    }

    [Fact]
    public void ForkDefaultsThatDifferFromOneForkAreTheOthers()
    {
        // PSPNet's momentum default 0.9 is kept under its new number.
        Assert.Equal(0.9f, new BNParameter().Momentum);
        Assert.Equal(BNParameter.Types.BNMode.Learn, new BNParameter().BnMode);
        // Upsample's scale: MobileNet-YOLO int32 default 1, SegNet uint32 default 2; ours has none,
        // so a layer can tell "not given" and apply its own fork's default.
        var upsample = new UpsampleParameter();
        Assert.False(upsample.HasScale);
        Assert.Equal(0, upsample.Scale);
        Assert.Equal(FieldType.Int32, UpsampleParameter.Descriptor.FindFieldByName("scale").FieldType);
        // SSD declares resize_param optional, MobileNet-YOLO repeated; one occurrence is the same bytes.
        Assert.True(TransformationParameter.Descriptor.FindFieldByName("resize_param").IsRepeated);
    }

    [Fact]
    public void EveryFieldOfAForkMessageIsInTheTable()
    {
        // Messages the table declares whole (not BVLC messages the forks extend).
        var extended = new HashSet<string> { "LayerParameter", "TransformationParameter", "LossParameter", "DropoutParameter" };
        var listed = TableLines()
            .Select(l => FieldLine().Match(l))
            .Where(m => m.Success)
            .Select(m => (Message: m.Groups[3].Value, Field: m.Groups[4].Value))
            .ToHashSet();
        // Checked by the two tests above instead.
        var deviations = new HashSet<(string, string)>
        {
            ("BNParameter", "slope_filler"), ("BNParameter", "bias_filler"), ("BNParameter", "momentum"), ("UpsampleParameter", "scale"),
        };
        foreach (var message in listed.Select(f => f.Message).Distinct().Where(m => !extended.Contains(m)))
        {
            foreach (var field in Message(message).Fields.InDeclarationOrder())
                Assert.True(listed.Contains((message, field.Name)) || deviations.Contains((message, field.Name)),
                    $"{message}.{field.Name} is not checked against a fork");
        }
    }

    static string TypeName(FieldDescriptor f) => f.FieldType switch
    {
        FieldType.Message => Relative(f.MessageType.FullName),
        FieldType.Enum => Relative(f.EnumType.FullName),
        _ => f.FieldType.ToString().ToLowerInvariant(),
    };

    static string Relative(string fullName) => fullName["caffe.".Length..];

    static object? DefaultOf(FieldDescriptor field) =>
        field.FieldType == FieldType.Message ? null : field.Accessor.GetValue(field.ContainingType.Parser.ParseFrom(ByteString.Empty));

    /// <summary>An absent default is the type's zero (the first value for an enum), as in proto2.</summary>
    static bool DefaultMatches(FieldDescriptor field, string? text)
    {
        var value = DefaultOf(field);
        var inv = CultureInfo.InvariantCulture;
        return field.FieldType switch
        {
            FieldType.Message => text is null && value is null,
            FieldType.Float => (float)value! == (text is null ? 0f : float.Parse(text, inv)),
            FieldType.Int32 => (int)value! == (text is null ? 0 : int.Parse(text, inv)),
            FieldType.UInt32 => (uint)value! == (text is null ? 0u : uint.Parse(text, inv)),
            FieldType.Bool => (bool)value! == (text is not null && bool.Parse(text)),
            FieldType.String => (string)value! == (text is null ? "" : text.Trim('"')),
            FieldType.Enum => Convert.ToInt32(value, inv) ==
                (text is null ? field.EnumType.Values[0].Number : field.EnumType.FindValueByName(text).Number),
            _ => false,
        };
    }
}
