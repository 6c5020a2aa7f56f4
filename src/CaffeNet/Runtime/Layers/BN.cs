using CaffeNet.Graph;
using CaffeNet.Proto;
using static CaffeNet.Proto.BNParameter.Types;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// BN, as two forks define it under one name (blobs 1 x C x 1 x 1 each):
///  - SegNet: scale and shift. bn_mode INFERENCE gives scale * x + shift (SegNet folds the
///    statistics into them before deployment); LEARN, the default, normalises with the batch's
///    own mean and variance (eps 1e-9) in every phase, and may give them as tops 2 and 3.
///  - PSPNet (told apart by its fields slope_filler, bias_filler, momentum, eps, frozen or
///    engine, or by four blobs in the model): slope, bias, mean and variance; at TEST, or when
///    frozen, slope * (x - mean) / sqrt(variance + eps) + bias, else with the batch's statistics.
/// </summary>
sealed class BNDefinition : LayerDefinition
{
    public override string Type => "BN";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) =>
        new BNLayer(LayerFactory.Attributes<BNAttributes>(node), blobs);

    public override FillerParameter? Filler(Node node, int blob, FillerParameter? defaultWeights)
    {
        var p = node.Layer.BnParam ?? new BNParameter();
        if (!LayerFactory.Attributes<BNAttributes>(node).PspNet)
            return blob == 0 ? p.ScaleFiller : p.ShiftFiller;
        return blob switch
        {
            0 => p.SlopeFiller,
            1 => p.BiasFiller,
            // The moving variance starts at 1 when frozen, at 0 otherwise; the mean at 0.
            3 when p.Frozen => new FillerParameter { Type = "constant", Value = 1 },
            _ => null,
        };
    }

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1);
        var p = c.Layer.BnParam ?? new BNParameter();
        var input = c.Input;
        if (input.Rank is < 2 or > 4) throw c.Error($"needs an input of 2 to 4 axes (N, C, ...), got {input}");
        bool psp = p.SlopeFiller is not null || p.BiasFiller is not null || p.HasMomentum || p.HasEps || p.HasFrozen || p.HasEngine
            || c.Layer.Blobs.Count == 4;
        if (psp && p.HasBnMode)
            throw c.Error("bn_mode is SegNet's field, the others PSPNet's; a layer cannot take both");
        var blob = c.Output(1, input.Dim(1), 1, 1);
        BNAttributes attributes;
        if (psp)
        {
            c.Tops(1);
            bool batch = c.Phase == Phase.Train && !p.Frozen;
            attributes = new BNAttributes(PspNet: true, batch, Affine: false, p.Eps);
        }
        else
        {
            bool learn = p.BnMode == BNMode.Learn;
            c.Tops(1, learn ? 3 : 1);
            attributes = new BNAttributes(PspNet: false, BatchStatistics: learn, Affine: !learn, 1e-9f);
        }
        var tops = new List<Shape> { input };
        for (int i = 1; i < c.TopCount; i++) tops.Add(blob);
        return new LayerShapes(tops)
        {
            Params = psp ? [blob, blob, blob, blob] : [blob, blob],
            Attributes = attributes,
            ElementwiseOps = input.CountIfKnown * (attributes.Affine ? 2 : 4),
        };
    }
}

/// <summary>
/// PspNet: four blobs (slope, bias, mean, variance), else SegNet's two (scale, shift).
/// BatchStatistics: normalise with the batch's own; Affine: scale and shift only (SegNet INFERENCE).
/// </summary>
sealed record BNAttributes(bool PspNet, bool BatchStatistics, bool Affine, float Eps) : LayerAttributes;

sealed class BNLayer(BNAttributes a, IReadOnlyList<Tensor> blobs) : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs)
    {
        var scale = blobs[0].Span;
        var shift = blobs[1].Span;
        var input = inputs[0];
        int channels = input.Shape[1];
        var mean = new float[channels];
        var variance = new float[channels];
        if (a.Affine)
        {
            Kernels.BN.Forward(input, scale, shift, null, null, 0, outputs[0]);
            return;
        }
        if (a.BatchStatistics)
            Kernels.BN.BatchStatistics(input, mean, variance);
        else
        {
            blobs[2].Span.CopyTo(mean);
            blobs[3].Span.CopyTo(variance);
        }
        // SegNet's batch mean and variance tops hold the variance without eps.
        if (outputs.Length > 1) mean.CopyTo(outputs[1].Span);
        if (outputs.Length > 2) variance.CopyTo(outputs[2].Span);
        Kernels.BN.Forward(input, scale, shift, mean, variance, a.Eps, outputs[0]);
    }
}
