using CaffeNet.Graph;

namespace CaffeNet.Export.Onnx.Layers;

/// <summary>
/// PReLU as PRelu. Caffe's slope runs along axis 1; ONNX broadcasts the slope from the last
/// axis, so a per-channel slope becomes C x 1 x ... (one 1 per axis after the channels) and a
/// shared one a single value.
/// </summary>
internal sealed class PReLUExport : ILayerExport
{
    public void Export(NodeExport e)
    {
        bool shared = e.Attributes<PReLUAttributes>().ChannelShared;
        long[] dims = shared ? [1] : [e.InputDims[1], .. Enumerable.Repeat(1L, e.InputDims.Count - 2)];
        e.Op("PRelu", [e.Input, e.Blob(0, "slope", dims)], e.Output);
    }
}
