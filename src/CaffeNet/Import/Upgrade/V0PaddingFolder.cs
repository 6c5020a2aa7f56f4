using CaffeNet.Import.Text;
using CaffeNet.Proto;

namespace CaffeNet.Import.Upgrade;

/// <summary>
/// V0 nets padded with separate "padding" layers; V1 has a pad field on conv and pool instead. Each
/// padding layer is removed and its pad set on the layer it feeds, which then reads the padding
/// layer's input.
/// </summary>
internal static class V0PaddingFolder
{
    const int NetInput = -1;

    /// <summary>The layers left, each with its index in the original list, for messages.</summary>
    public static List<(V1LayerParameter Layer, int Index)> Fold(NetParameter net, UpgradeContext context)
    {
        var layers = net.Layers;
        var kept = new List<(V1LayerParameter, int)>(layers.Count);
        var producer = new Dictionary<string, int>();
        foreach (var input in net.Input)
            producer[input] = NetInput;

        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            if (!IsPadding(layer))
                kept.Add((layer, i));
            for (var j = 0; j < layer.Bottom.Count; j++)
            {
                if (!producer.TryGetValue(layer.Bottom[j], out var from))
                    throw context.Error(Where(layer, i),
                        $"bottom {Excerpt.Quote(layer.Bottom[j], '\'')} is not an input and no earlier layer produces it");
                if (from != NetInput && IsPadding(layers[from]))
                    layer.Bottom[j] = Absorb(layers[from], from, layer, i, context);
            }
            foreach (var top in layer.Top)
                producer[top] = i;
        }
        return kept;
    }

    /// <summary>Moves the padding onto <paramref name="layer"/>; returns the blob it now reads.</summary>
    static string Absorb(V1LayerParameter padding, int paddingIndex, V1LayerParameter layer, int index,
        UpgradeContext context)
    {
        var type = layer.Layer?.Type ?? "";
        if (type is not ("conv" or "pool"))
            throw context.Error(Where(layer, index),
                $"padding layer {Where(padding, paddingIndex)} feeds a layer of type {Excerpt.Quote(type, '\'')}; expected a conv or pool layer to take its pad");
        if (layer.Bottom.Count != 1)
            throw context.Error(Where(layer, index),
                $"takes padding from {Where(padding, paddingIndex)} but has {layer.Bottom.Count} bottoms; expected 1");
        if (padding.Bottom.Count != 1 || padding.Top.Count != 1)
            throw context.Error(Where(padding, paddingIndex),
                $"padding layer has {padding.Bottom.Count} bottoms and {padding.Top.Count} tops; expected 1 of each");

        // The V0 layer is certain to exist: its type was checked above.
        layer.Layer!.Pad = padding.Layer!.Pad;
        return padding.Bottom[0];
    }

    static bool IsPadding(V1LayerParameter layer) => layer.Layer?.Type == "padding";

    static string Where(V1LayerParameter layer, int index) => UpgradeContext.Layer("layers", index, layer.Layer?.Name);
}
