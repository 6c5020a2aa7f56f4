using CaffeNet.Graph;
using CaffeNet.Graph.Passes;
using CaffeNet.Proto;

namespace CaffeNet.Runtime;

/// <summary>
/// Rewrites a net as deployed (TEST phase) so Caffe and OpenCV run it with less work: each
/// BatchNorm and Scale that folds into the Convolution or InnerProduct before it (by
/// <see cref="FoldBatchNorm"/>'s rule) is removed, the anchor taking the folded weights and a
/// bias; removable Dropouts go (<see cref="DropIdentity.Removable"/>), later layers reading their
/// input blob. Activations stay layers of their own, as Caffe has no fused ones. All else is kept
/// as written, names included.
/// </summary>
internal static class NetFolder
{
    /// <summary>
    /// Folds <paramref name="net"/> (V2, trained blobs merged in, as <c>ModelLoader.Load</c> gives
    /// it). Only the layers of the TEST phase are kept; <paramref name="options"/> may give input
    /// shapes, level and stages; <paramref name="layers"/> the layer types (the built-ins by
    /// default). Every learnable layer must have its blobs.
    /// </summary>
    public static FoldedNet Fold(NetParameter net, GraphOptions? options = null, LayerRegistry? layers = null)
    {
        options = (options ?? new GraphOptions()) with { Phase = Phase.Test };
        var graph = GraphBuilder.Build(net, layers ?? LayerRegistry.Default, options);
        NetWeights weights;
        try
        {
            weights = NetWeights.Resolve(graph, MissingWeights.Refuse);
        }
        catch (MissingWeightsException e)
        {
            throw new CaffeNetException($"{e.Message}; folding needs trained weights for every learnable layer", e);
        }

        var folds = FoldBatchNorm.Find(graph)
            .Where(f => (f.BatchNorm ?? f.Scale) is not null && !SharesParams(f.Anchor.Layer, net))
            .ToList();
        var anchors = folds.ToDictionary<ConvFusion, LayerParameter, ConvFusion>(f => f.Anchor.Layer, f => f, ReferenceEqualityComparer.Instance);
        var absorbed = folds.SelectMany(f => f.Absorbed).Select(n => n.Layer).ToHashSet<LayerParameter>(ReferenceEqualityComparer.Instance);
        var dropouts = DropIdentity.Removable(graph).Select(n => n.Layer).ToHashSet<LayerParameter>(ReferenceEqualityComparer.Instance);

        var definition = Header(net);
        var trained = definition.Clone();
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        var state = NetStateFilter.State(net, options);
        var removedDropouts = new List<string>();
        int before = 0;
        foreach (var layer in net.Layer)
        {
            if (!NetStateFilter.Includes(layer, state))
                continue;
            before++;
            if (dropouts.Contains(layer))
            {
                // Later readers of the Dropout's output read its input instead.
                renamed[layer.Top[0]] = renamed.GetValueOrDefault(layer.Bottom[0], layer.Bottom[0]);
                removedDropouts.Add(layer.Name);
                continue;
            }
            if (absorbed.Contains(layer))
                continue;
            var copy = Renamed(layer, renamed);
            var withBlobs = copy.Clone();
            if (anchors.TryGetValue(layer, out var fusion))
            {
                SetBiasTerm(copy);
                SetBiasTerm(withBlobs);
                var (w, b) = FoldedWeights.For(fusion, weights);
                withBlobs.Blobs.Add(Blob(fusion.Anchor.ParamShapes[0].Dims.ToArray(), w));
                withBlobs.Blobs.Add(Blob([b.Length], b));
            }
            else
            {
                withBlobs.Blobs.AddRange(layer.Blobs);
            }
            definition.Layer.Add(copy);
            trained.Layer.Add(withBlobs);
        }
        return new FoldedNet(definition, trained, folds, removedDropouts, before);
    }

    /// <summary>The net's own fields, no layers; its state says TEST, the phase it was folded for.</summary>
    static NetParameter Header(NetParameter net)
    {
        var header = new NetParameter(net);
        header.Layer.Clear();
        if (header.State is { } state)
            state.Phase = Phase.Test;
        return header;
    }

    /// <summary>
    /// A layer whose blobs are shared by name with another layer's (Caffe's `param { name }`) is
    /// not folded: the other layer would see the folded weights too.
    /// </summary>
    static bool SharesParams(LayerParameter layer, NetParameter net)
    {
        var names = layer.Param.Select(p => p.Name).Where(n => n.Length > 0).ToHashSet(StringComparer.Ordinal);
        return names.Count > 0 && net.Layer.Any(l => !ReferenceEquals(l, layer) && l.Param.Any(p => names.Contains(p.Name)));
    }

    static LayerParameter Renamed(LayerParameter layer, Dictionary<string, string> renamed)
    {
        var copy = layer.Clone();
        copy.Blobs.Clear();
        for (int i = 0; i < copy.Bottom.Count; i++)
            copy.Bottom[i] = renamed.GetValueOrDefault(copy.Bottom[i], copy.Bottom[i]);
        for (int i = 0; i < copy.Top.Count; i++)
            copy.Top[i] = renamed.GetValueOrDefault(copy.Top[i], copy.Top[i]);
        return copy;
    }

    static void SetBiasTerm(LayerParameter layer)
    {
        if (layer.Type == "InnerProduct")
            layer.InnerProductParam.BiasTerm = true;
        else
            layer.ConvolutionParam.BiasTerm = true;
    }

    static BlobProto Blob(int[] dims, float[] values)
    {
        var blob = new BlobProto { Shape = new BlobShape() };
        blob.Shape.Dim.AddRange(dims.Select(d => (long)d));
        blob.Data.AddRange(values);
        return blob;
    }
}
