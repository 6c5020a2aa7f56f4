using CaffeNet.Proto;

namespace CaffeNet.Tests;

public class ProtoSchemaTests
{
    [Theory]
    [InlineData("layer", 100)]
    [InlineData("layers", 2)]
    [InlineData("input_dim", 4)]
    public void NetParameterFieldNumbersMatchCaffe(string field, int number)
    {
        Assert.Equal(number, NetParameter.Descriptor.FindFieldByName(field).FieldNumber);
    }

    [Theory]
    [InlineData("clip_param", 148)]
    [InlineData("swish_param", 147)]
    [InlineData("batch_norm_param", 139)]
    [InlineData("convolution_param", 106)]
    public void LayerParameterFieldNumbersMatchCaffe(string field, int number)
    {
        Assert.Equal(number, LayerParameter.Descriptor.FindFieldByName(field).FieldNumber);
    }

    [Fact]
    public void DefaultsComeFromTheSchema()
    {
        var bn = new BatchNormParameter();
        Assert.Equal(1e-5f, bn.Eps);
        Assert.Equal(0.999f, bn.MovingAverageFraction);
        Assert.Equal(PoolingParameter.Types.RoundMode.Ceil, new PoolingParameter().RoundMode);
    }
}
