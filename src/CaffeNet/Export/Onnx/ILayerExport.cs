namespace CaffeNet.Export.Onnx;

/// <summary>Writes one Caffe layer type as ONNX nodes.</summary>
internal interface ILayerExport
{
    void Export(NodeExport e);
}
