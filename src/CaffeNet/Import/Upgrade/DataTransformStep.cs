using CaffeNet.Proto;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using LayerType = CaffeNet.Proto.V1LayerParameter.Types.LayerType;

namespace CaffeNet.Import.Upgrade;

/// <summary>
/// V1 data layers once held scale, mean_file, crop_size and mirror in their own *_param; Caffe
/// moved them to transform_param. Like Caffe, this looks at V1 `layers` only.
/// </summary>
internal sealed class DataTransformStep : IUpgradeStep
{
    static readonly string[] Moved = ["scale", "mean_file", "crop_size", "mirror"];

    public bool IsNeeded(NetParameter net) =>
        net.Layers.Any(layer => SourceOf(layer, create: false) is { } source
            && Moved.Any(name => Field(source, name).Accessor.HasValue(source)));

    public NetParameter Apply(NetParameter net, UpgradeContext context)
    {
        foreach (var layer in net.Layers)
        {
            // Caffe creates both messages on every data layer here, even with nothing to move.
            if (SourceOf(layer, create: true) is not { } source)
                continue;
            var transform = layer.TransformParam ??= new();
            foreach (var name in Moved)
            {
                var from = Field(source, name);
                if (!from.Accessor.HasValue(source))
                    continue;
                Field(transform, name).Accessor.SetValue(transform, from.Accessor.GetValue(source));
                from.Accessor.Clear(source);
            }
        }
        return net;
    }

    /// <summary>The data layer's own parameters, or null for layers that are not data layers.</summary>
    static IMessage? SourceOf(V1LayerParameter layer, bool create) => layer.Type switch
    {
        LayerType.Data => create ? layer.DataParam ??= new() : layer.DataParam,
        LayerType.ImageData => create ? layer.ImageDataParam ??= new() : layer.ImageDataParam,
        LayerType.WindowData => create ? layer.WindowDataParam ??= new() : layer.WindowDataParam,
        _ => null,
    };

    static FieldDescriptor Field(IMessage message, string name) => message.Descriptor.FindFieldByName(name);
}
