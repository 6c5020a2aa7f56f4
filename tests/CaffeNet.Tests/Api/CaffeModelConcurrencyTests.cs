namespace CaffeNet.Tests.Api;

/// <summary>
/// One model run from four threads at once gives, on every call, exactly what a run on one thread
/// gives (issue 10, point 10: a shared executor used to give wrong answers, NaN on the fused path).
/// </summary>
public class CaffeModelConcurrencyTests
{
    const int Threads = 4;

    [Fact]
    public void FusedRunsFromFourThreadsMatchSingleThreadedRunsBitForBit() =>
        RunConcurrently(CaffeModel.Load(ApiModels.MobileNetV2, ApiModels.MobileNetV2Weights, new CaffeModelOptions { Threads = 2 }), calls: 50);

    [Fact]
    public void ReferenceRunsFromFourThreadsMatchSingleThreadedRunsBitForBit() =>
        RunConcurrently(CaffeModel.Load(ApiModels.LeNet, ApiModels.LeNetWeights, new CaffeModelOptions { Reference = true, Batch = 2 }), calls: 10);

    [Fact]
    public void KeptBlobsAndCallerBuffersAreRightUnderThreadsToo()
    {
        using var model = CaffeModel.Load(ApiModels.LeNet, ApiModels.LeNetWeights,
            new CaffeModelOptions { Batch = 1, KeepBlobs = ["conv1", "ip1"] });
        var inputs = Enumerable.Range(0, Threads).Select(t => ApiModels.Random(28 * 28, 100 + t)).ToArray();
        var expected = inputs.Select(x =>
        {
            using var r = model.Run(x);
            return (Prob: r["prob"].ToArray(), Ip1: r["ip1"].ToArray());
        }).ToArray();
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            var prob = new float[10];
            var ip1 = new float[500];
            for (int call = 0; call < 50; call++)
            {
                model.Run(new Dictionary<string, ReadOnlyMemory<float>> { ["data"] = inputs[t] },
                    new Dictionary<string, Memory<float>> { ["prob"] = prob, ["ip1"] = ip1 });
                Assert.Equal(expected[t].Prob, prob);
                Assert.Equal(expected[t].Ip1, ip1);
            }
        });
    }

    /// <summary>Every thread runs its own input <paramref name="calls"/> times; each output must equal that input's single-threaded one.</summary>
    static void RunConcurrently(CaffeModel model, int calls)
    {
        using (model)
        {
            int count = (int)model.Inputs[0].Shape.Count;
            var inputs = Enumerable.Range(0, Threads).Select(t => ApiModels.Random(count, 7 + t)).ToArray();
            var expected = inputs.Select(x =>
            {
                using var r = model.Run(x);
                return r.Output.ToArray();
            }).ToArray();
            // Distinct inputs give distinct outputs, so a run that read another thread's memory shows.
            Assert.NotEqual(expected[0], expected[1]);
            Assert.All(expected, e => Assert.All(e, v => Assert.True(float.IsFinite(v))));
            int mismatches = 0, runs = 0;
            Exception? failure = null;
            var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
            {
                try
                {
                    for (int call = 0; call < calls; call++)
                    {
                        using var result = model.Run(inputs[t]);
                        if (!result.Output.Span.SequenceEqual(expected[t]))
                            Interlocked.Increment(ref mismatches);
                        Interlocked.Increment(ref runs);
                    }
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, e, null);
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.Null(failure);
            Assert.Equal(Threads * calls, runs);
            Assert.Equal(0, mismatches);
        }
    }
}
