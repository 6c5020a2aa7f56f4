namespace CaffeNet.Graph.Passes;

/// <summary>
/// Fuses the shortcut of a residual block, an Eltwise SUM with unit coefficients of a fused
/// convolution's result and one other value, into that convolution: the epilogue adds the other
/// value and writes the Eltwise's output directly. Legal when nothing else reads the convolution's
/// result, the other value is ready before the convolution runs, and the Eltwise writes a blob of
/// its own (the epilogue must not overwrite the value it adds). An activation already fused
/// before the sum would have to run first, so such a fusion is left alone.
/// </summary>
internal static class FuseEltwise
{
    public static ConvFusion Apply(NetGraph graph, ConvFusion fusion)
    {
        var result = fusion.Result;
        if (fusion.Activation is not null || result.Consumers.Count != 1 || graph.IsOutput(result))
            return fusion;
        var sum = result.Consumers[0];
        if (!sum.IsKnown || sum.Attributes is not EltwiseAttributes e || !IsPlainSum(e) || sum.Inputs.Count != 2 || sum.Outputs.Count != 1)
            return fusion;
        var other = sum.Inputs[0] == result ? sum.Inputs[1] : sum.Inputs[0];
        bool ready = other.Producer is null || other.Producer.Index < fusion.Anchor.Index;
        bool ownBlob = sum.Outputs[0].Name != other.Name;
        return other != result && ready && ownBlob && other.Shape.Equals(result.Shape)
            ? fusion with { Eltwise = sum }
            : fusion;
    }

    static bool IsPlainSum(EltwiseAttributes e) =>
        e.Operation == Proto.EltwiseParameter.Types.EltwiseOp.Sum && e.Coefficients.All(c => c == 1);
}
