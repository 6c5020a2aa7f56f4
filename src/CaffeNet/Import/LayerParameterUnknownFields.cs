using Google.Protobuf;

namespace CaffeNet.Proto;

/// <summary>Reads fields BVLC's schema lacks out of the unknown fields Google.Protobuf keeps, which it has no public reader for.</summary>
partial class LayerParameter
{
    /// <summary>
    /// Merges every length-delimited occurrence of unknown field <paramref name="number"/> into
    /// <paramref name="into"/>; false when there is none.
    /// </summary>
    internal bool MergeUnknownField(int number, IMessage into)
    {
        bool found = false;
        foreach (var payload in UnknownField(number))
        {
            into.MergeFrom(payload);
            found = true;
        }
        return found;
    }

    /// <summary>True when unknown field <paramref name="number"/> is present.</summary>
    internal bool HasUnknownField(int number) => UnknownField(number).Any();

    IEnumerable<ByteString> UnknownField(int number)
    {
        if (_unknownFields is null)
            yield break;
        var bytes = new byte[_unknownFields.CalculateSize()];
        var output = new CodedOutputStream(bytes);
        _unknownFields.WriteTo(output);
        output.Flush();
        var input = new CodedInputStream(bytes);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == number && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                yield return input.ReadBytes();
            else
                input.SkipLastField();
        }
    }

    /// <summary>Adds <paramref name="value"/> as unknown field <paramref name="number"/>, as a binary reader would keep it.</summary>
    internal void AddUnknownField(int number, IMessage value)
    {
        var payload = value.ToByteString();
        var bytes = new byte[CodedOutputStream.ComputeTagSize(number) + CodedOutputStream.ComputeLengthSize(payload.Length) + payload.Length];
        var output = new CodedOutputStream(bytes);
        output.WriteTag(number, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(payload);
        output.Flush();
        this.MergeFrom(bytes);
    }
}
