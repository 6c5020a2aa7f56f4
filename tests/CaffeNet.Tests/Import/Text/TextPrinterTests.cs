using CaffeNet.Import.Text;
using CaffeNet.Proto;
using CsCheck;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace CaffeNet.Tests.Import.Text;

public class TextPrinterTests
{
    [Fact]
    public void PrintsCaffesLayoutInFieldNumberOrder()
    {
        var net = new NetParameter { Name = "tiny", ForceBackward = true };
        var layer = new LayerParameter
        {
            Name = "conv1",
            Type = "Convolution",
            Phase = Phase.Test,
            ConvolutionParam = new ConvolutionParameter
            {
                NumOutput = 8,
                BiasTerm = false,
                WeightFiller = new FillerParameter { Type = "xavier", Std = 0.01f },
            },
        };
        layer.Bottom.Add("data");
        layer.Top.Add("conv1");
        layer.Param.Add(new ParamSpec { LrMult = 1, DecayMult = 0.5f });
        layer.ConvolutionParam.KernelSize.Add(3);
        net.Layer.Add(layer);
        net.Input.Add("data");
        net.InputDim.Add([1, 3]);

        // layer is field 100 of NetParameter, so it comes last; phase (10) follows param (6).
        Assert.Equal("""
            name: "tiny"
            input: "data"
            input_dim: 1
            input_dim: 3
            force_backward: true
            layer {
              name: "conv1"
              type: "Convolution"
              bottom: "data"
              top: "conv1"
              param {
                lr_mult: 1
                decay_mult: 0.5
              }
              phase: TEST
              convolution_param {
                num_output: 8
                bias_term: false
                kernel_size: 3
                weight_filler {
                  type: "xavier"
                  std: 0.01
                }
              }
            }

            """.ReplaceLineEndings("\n"), TextFormat.Print(net));
    }

    [Fact]
    public void UnsetFieldsAreLeftOutAndSetDefaultsPrinted()
    {
        var layer = new LayerParameter { PoolingParam = new PoolingParameter { Pool = PoolingParameter.Types.PoolMethod.Max } };
        Assert.Equal("pooling_param {\n  pool: MAX\n}\n", TextFormat.Print(layer));
        Assert.Equal("", TextFormat.Print(new LayerParameter()));
    }

    [Theory]
    [InlineData(0.1f, "0.1")]
    [InlineData(1e-5f, "1e-05")]
    [InlineData(1.5e-7f, "1.5e-07")]
    [InlineData(1f / 3, "0.33333334")]
    [InlineData(2.5f, "2.5")]
    [InlineData(123.456f, "123.456")]
    [InlineData(16777216f, "16777216")]
    [InlineData(float.MaxValue, "3.4028235e+38")]
    [InlineData(float.Epsilon, "1e-45")]
    [InlineData(-0f, "-0")]
    [InlineData(float.PositiveInfinity, "inf")]
    [InlineData(float.NegativeInfinity, "-inf")]
    public void FloatsPrintShortest(float value, string expected)
    {
        var blob = new BlobProto();
        blob.Data.Add(value);
        Assert.Equal($"data: {expected}\n", TextFormat.Print(blob));
    }

    [Theory]
    [InlineData(0x7FC00000, "nan")]
    [InlineData(unchecked((int)0xFFC00000), "-nan")] // .NET's float.NaN; the sign survives the round trip
    [InlineData(0x7F800001, "nan")]                  // a payload does not
    public void NaNsPrintWithTheirSign(int bits, string expected)
    {
        var blob = new BlobProto();
        blob.Data.Add(BitConverter.Int32BitsToSingle(bits));
        Assert.Equal($"data: {expected}\n", TextFormat.Print(blob));
    }

    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(1.0 / 3, "0.3333333333333333")]
    [InlineData(1e-300, "1e-300")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(double.MaxValue, "1.7976931348623157e+308")]
    [InlineData(double.NegativeInfinity, "-inf")]
    public void DoublesPrintShortest(double value, string expected)
    {
        var blob = new BlobProto();
        blob.DoubleData.Add(value);
        Assert.Equal($"double_data: {expected}\n", TextFormat.Print(blob));
    }

    [Fact]
    public void StringsAreEscapedToAscii()
    {
        var layer = new LayerParameter { Name = "a\"b\\c\n\r\t'é\u0001\u007f" };
        Assert.Equal("name: \"a\\\"b\\\\c\\n\\r\\t\\'\\303\\251\\001\\177\"\n", TextFormat.Print(layer));
    }

    [Fact]
    public void BytesAreEscapedByteByByte()
    {
        var datum = new Datum { Data = ByteString.CopyFrom(0, 255, 65, 10, 34) };
        Assert.Equal("data: \"\\000\\377A\\n\\\"\"\n", TextFormat.Print(datum));
    }

    [Fact]
    public void EnumNumbersWithoutANamePrintAsNumbers()
    {
        var pooling = new PoolingParameter { Pool = (PoolingParameter.Types.PoolMethod)7 };
        Assert.Equal("pool: 7\n", TextFormat.Print(pooling));
    }

    [Fact]
    public void Proto3FieldsWithoutPresencePrintOnlyWhenNotDefault()
    {
        Assert.Equal("", TextFormat.Print(new UInt64Value { Value = 0 }));
        Assert.Equal("value: 18446744073709551615\n", TextFormat.Print(new UInt64Value { Value = ulong.MaxValue }));
        Assert.Equal("", TextFormat.Print(new BytesValue()));
        Assert.Equal("value: \"\\001\"\n", TextFormat.Print(new BytesValue { Value = ByteString.CopyFrom(1) }));
        Assert.Equal("", TextFormat.Print(new BoolValue { Value = false }));
        // A oneof member has presence: zero is printed once set.
        Assert.Equal("number_value: 0\n", TextFormat.Print(new Value { NumberValue = 0 }));
        Assert.Equal("seconds: -5\nnanos: 7\n", TextFormat.Print(new Timestamp { Seconds = -5, Nanos = 7 }));
    }

    [Fact]
    public void MapFieldsCannotBePrinted()
    {
        var map = new Struct { Fields = { ["a"] = Value.ForBool(true) } };
        Assert.Throws<NotSupportedException>(() => TextFormat.Print(map));
    }

    [Fact]
    public void PrintedTextParsesBackToAnEqualMessage()
    {
        var net = new NetParameter { Name = "n\u00e9t\0\"'\\" };
        net.Layer.Add(new LayerParameter
        {
            Name = "x",
            ClipParam = new ClipParameter { Min = -0f, Max = 6 },
            PoolingParam = new PoolingParameter { Pool = PoolingParameter.Types.PoolMethod.Stochastic, GlobalPooling = true },
        });
        net.Layer[0].Blobs.Add(new BlobProto { Shape = new BlobShape { Dim = { 2, -1, long.MaxValue } }, Data = { 1e-30f, BitConverter.Int32BitsToSingle(0x7FC00000), -1 } });
        var solver = new SolverParameter { NetParam = net, RandomSeed = long.MinValue, Delta = 1e-8f };
        var text = TextFormat.Print(solver);
        Assert.Equal(solver, TextFormat.Parse<SolverParameter>(text, "printed.prototxt"));
    }

    // Every float and double survives print and parse bit for bit, except that text has no NaN
    // payloads: a NaN comes back as the quiet NaN of its sign.
    [Fact]
    public void EveryFloatBitPatternRoundTrips()
    {
        static float Quiet(float v) => float.IsNaN(v) ? (float.IsNegative(v) ? -QuietNaN : QuietNaN) : v;
        static double QuietDouble(double v) => double.IsNaN(v) ? (double.IsNegative(v) ? -QuietNaN : QuietNaN) : v;
        var floats = Gen.Int.Select(BitConverter.Int32BitsToSingle);
        var doubles = Gen.Long.Select(BitConverter.Int64BitsToDouble);
        Gen.Select(floats.Array[0, 100], doubles.Array[0, 20]).Sample((f, d) =>
        {
            var blob = new BlobProto { Data = { f }, DoubleData = { d } };
            var back = TextFormat.Parse<BlobProto>(TextFormat.Print(blob), "blob.txt");
            var expected = new BlobProto { Data = { f.Select(Quiet) }, DoubleData = { d.Select(QuietDouble) } };
            Assert.Equal(expected.ToByteArray(), back.ToByteArray());
        }, iter: 1000);
    }

    static readonly float QuietNaN = BitConverter.Int32BitsToSingle(0x7FC00000);
}
