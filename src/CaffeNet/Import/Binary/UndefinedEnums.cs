using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace CaffeNet.Import.Binary;

/// <summary>
/// Unsets enum fields holding a number their enum does not define, and drops such numbers from
/// repeated enum fields. Caffe's proto2 reader sets them aside as unknown fields, so to Caffe the
/// field is unset; Google.Protobuf would keep the number where no code expects it.
/// </summary>
internal static class UndefinedEnums
{
    public static void Clear(IMessage message)
    {
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            var accessor = field.Accessor;
            if (field.FieldType is FieldType.Enum)
            {
                if (field.IsRepeated)
                {
                    var values = (IList)accessor.GetValue(message);
                    for (int i = values.Count - 1; i >= 0; i--)
                    {
                        if (!IsDefined(field, values[i]))
                            values.RemoveAt(i);
                    }
                }
                else if (accessor.HasValue(message) && !IsDefined(field, accessor.GetValue(message)))
                    accessor.Clear(message);
            }
            else if (field.FieldType is FieldType.Message)
            {
                if (field.IsRepeated)
                {
                    foreach (IMessage item in (IList)accessor.GetValue(message))
                        Clear(item);
                }
                else if (accessor.HasValue(message))
                    Clear((IMessage)accessor.GetValue(message));
            }
        }
    }

    static bool IsDefined(FieldDescriptor field, object? value) =>
        value is not null && field.EnumType.FindValueByNumber(Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)) is not null;
}
