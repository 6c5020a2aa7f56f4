namespace CaffeNet.Tests.Api;

/// <summary>What disposing a model or a run's result does.</summary>
public class CaffeModelDisposeTests
{
    [Fact]
    public void ARunsOutputsAreUnreadableOnceItIsDisposed()
    {
        using var model = CaffeModel.Load(ApiModels.LeNet, ApiModels.LeNetWeights, new CaffeModelOptions { Batch = 1 });
        var result = model.Run(new float[28 * 28]);
        var output = result.Output;
        var copy = output.ToArray();
        result.Dispose();
        result.Dispose(); // twice is fine
        Assert.Throws<ObjectDisposedException>(() => output.ToArray());
        Assert.Throws<ObjectDisposedException>(() => output.Memory);
        // The copy is the caller's; the memory went back to the model and the next run reuses it.
        using var next = model.Run(ApiModels.Random(28 * 28, 4));
        Assert.Equal(10, copy.Length);
    }

    [Fact]
    public void ADisposedModelRefusesToRun()
    {
        var model = CaffeModel.Load(ApiModels.LeNet, ApiModels.LeNetWeights, new CaffeModelOptions { Batch = 1, Threads = 2 });
        model.Dispose();
        model.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.Run(new float[28 * 28]));
        Assert.Throws<ObjectDisposedException>(() => model.Reshape(batch: 2));
    }
}
