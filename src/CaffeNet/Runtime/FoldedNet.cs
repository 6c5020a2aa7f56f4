using CaffeNet.Graph.Passes;
using CaffeNet.Proto;

namespace CaffeNet.Runtime;

/// <summary>What <see cref="NetFolder.Fold"/> made of a net.</summary>
/// <param name="Definition">The folded net without blobs, to print as a prototxt.</param>
/// <param name="Weights">The same layers with their blobs, to write as a caffemodel.</param>
/// <param name="Folds">Each anchor with the BatchNorm and/or Scale folded into it (no activations).</param>
/// <param name="RemovedDropouts">The names of the Dropout layers left out.</param>
/// <param name="LayersBefore">The layers of the input net in the TEST phase.</param>
internal sealed record FoldedNet(
    NetParameter Definition,
    NetParameter Weights,
    IReadOnlyList<ConvFusion> Folds,
    IReadOnlyList<string> RemovedDropouts,
    int LayersBefore);
