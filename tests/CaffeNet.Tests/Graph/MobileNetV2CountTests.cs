using CaffeNet.Graph;
using CaffeNet.Runtime;

namespace CaffeNet.Tests.Graph;

/// <summary>
/// The MobileNetV2 1.0 deploy net's totals against a count made here from the architecture
/// (Sandler et al. 2018, table 2) and not from our graph: blocks of (expansion t, channels c,
/// repeats n, stride s) at width 1.0 and 224 x 224 input.
/// </summary>
public class MobileNetV2CountTests
{
    static readonly (int T, int C, int N, int S)[] Blocks =
    [
        (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
    ];

    /// <summary>
    /// austingg's prototxt, as written: every convolution is followed by BatchNorm (mean, variance,
    /// factor: 2C + 1 blobs) and Scale with bias (2C) and has no bias of its own, except conv9
    /// (1x1 to 1280, with bias, no BatchNorm) and conv10 (the 1x1 classifier to 1000, with bias).
    /// The t = 1 block keeps its 1x1 expansion convolution (32 -> 32), which the paper omits.
    /// </summary>
    static (long Params, long Macs) Count()
    {
        long parameters = 0, macs = 0;
        void Conv(int cin, int cout, int k, int groups, int outSize, bool bias, bool norm)
        {
            long weights = (long)cout * (cin / groups) * k * k;
            parameters += weights + (bias ? cout : 0) + (norm ? (2 * cout + 1) + 2 * cout : 0);
            macs += weights * outSize * outSize;
        }

        int size = 224 / 2;
        Conv(3, 32, 3, 1, size, bias: false, norm: true);
        int channels = 32;
        foreach (var (t, c, n, s) in Blocks)
            for (int i = 0; i < n; i++)
            {
                int stride = i == 0 ? s : 1;
                int hidden = channels * t;
                Conv(channels, hidden, 1, 1, size, bias: false, norm: true);
                size /= stride;
                Conv(hidden, hidden, 3, hidden, size, bias: false, norm: true);
                Conv(hidden, c, 1, 1, size, bias: false, norm: true);
                channels = c;
            }
        Conv(channels, 1280, 1, 1, size, bias: true, norm: false);
        Conv(1280, 1000, 1, 1, 1, bias: true, norm: false);
        return (parameters, macs);
    }

    [Fact]
    public void DeployNetTotalsMatchAnIndependentCount()
    {
        var graph = GraphBuilder.Build(Models.Load(TestPaths.InTestData("mobilenetv2", "deploy.prototxt")), LayerRegistry.Default);
        var (parameters, macs) = Count();
        Assert.Equal(parameters, graph.TotalCost.Params);
        Assert.Equal(macs, graph.TotalCost.Macs);
    }
}
