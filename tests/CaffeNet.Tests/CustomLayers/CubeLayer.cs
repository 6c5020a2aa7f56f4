using CaffeNet.Import;
using CaffeNet.Proto;
using CaffeNet.Runtime;

namespace CaffeNet.Tests.CustomLayers;

/// <summary>
/// A layer type defined in test code as a user would: y = scale x³, plus a learnable shift per
/// channel (axis 1) when cube_param's with_shift says so. Its parameters live in a fork's field
/// of LayerParameter, cube_param = 9001, of the test project's own CubeParameter message.
/// </summary>
sealed class CubeLayer : CustomLayer
{
    public static readonly LayerParameterField CubeParam = new("cube_param", 9001, CubeParameter.Descriptor);

    float _scale;
    bool _shift;

    public override string Type => "Cube";

    public override LayerParameterField ParameterField => CubeParam;

    public override void Setup(LayerParameter layer)
    {
        var p = CubeParam.Read<CubeParameter>(layer) ?? throw new CaffeNetException("needs cube_param");
        _scale = p.Scale;
        _shift = p.WithShift;
    }

    public override IReadOnlyList<TensorShape> Reshape(IReadOnlyList<TensorShape> inputs)
    {
        if (inputs.Count != 1)
            throw new CaffeNetException($"takes one bottom, got {inputs.Count}");
        if (inputs[0].Rank < 2)
            throw new CaffeNetException($"needs channels on axis 1, got a {inputs[0].Rank}-axis input");
        return [inputs[0]];
    }

    public override IReadOnlyList<TensorShape> BlobShapes(IReadOnlyList<TensorShape> inputs) =>
        _shift ? [new TensorShape(inputs[0][1])] : [];

    public override void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs)
    {
        var x = inputs[0].Span;
        var y = outputs[0].Span;
        int channels = inputs[0].Shape[1];
        int inner = inputs[0].Shape.CountFrom(2);
        var shift = _shift ? Blobs[0].Span : default;
        for (int i = 0; i < x.Length; i++)
            y[i] = _scale * x[i] * x[i] * x[i] + (_shift ? shift[i / inner % channels] : 0);
    }
}
