using CaffeNet.Proto;

namespace CaffeNet.Import.Upgrade;

internal delegate void V0Move(V0LayerParameter from, V1LayerParameter to);

/// <summary>
/// One flat V0 layer field and where it lives in V1: a different *_param per layer type, or one
/// place for every type (the data transformation fields).
/// </summary>
internal sealed class V0Setting
{
    readonly Dictionary<string, V0Move>? byType;
    readonly V0Move? forAnyType;

    public V0Setting(string name, Func<V0LayerParameter, bool> isSet, Dictionary<string, V0Move> byType)
    {
        Name = name;
        IsSet = isSet;
        this.byType = byType;
    }

    V0Setting(string name, Func<V0LayerParameter, bool> isSet, V0Move forAnyType)
    {
        Name = name;
        IsSet = isSet;
        this.forAnyType = forAnyType;
    }

    public static V0Setting AnyType(string name, Func<V0LayerParameter, bool> isSet, V0Move move) =>
        new(name, isSet, move);

    public string Name { get; }

    public Func<V0LayerParameter, bool> IsSet { get; }

    /// <summary>Moves the value; false if the layer's type has no such setting.</summary>
    public bool TryMove(V0LayerParameter from, V1LayerParameter to)
    {
        var move = forAnyType;
        if (move is null && !byType!.TryGetValue(from.Type, out move))
            return false;
        move(from, to);
        return true;
    }
}
