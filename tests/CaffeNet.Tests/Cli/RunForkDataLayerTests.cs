using CaffeNet.Runtime;
using CaffeNet.Runtime.Npy;

namespace CaffeNet.Tests.Cli;

/// <summary>`caffenet run` on nets whose data layer only the input files size: a Python data layer, SegNet's DenseImageData.</summary>
public class RunForkDataLayerTests
{
    static string Write(TempDir dir, string name, string text)
    {
        File.WriteAllText(dir.File(name), text);
        return dir.File(name);
    }

    static string Npy(TempDir dir, string name, int[] shape, params float[] values)
    {
        NpyFile.Write(dir.File(name), new Tensor(new TensorShape(shape), values));
        return dir.File(name);
    }

    [Fact]
    public void APythonDataLayerTakesItsShapesFromTheFiles()
    {
        // x = (1, −2, 3); ReLU: (1, 0, 3); y = (0, 0, 1) → Euclidean loss |x' − y|² / 2N = (1 + 0 + 4) / 2 = 2.5.
        using var dir = new TempDir();
        var net = Write(dir, "py.prototxt", """
            name: "py"
            layer { name: "data" type: "Python" top: "data" top: "label" python_param { module: "reader" layer: "Reader" } }
            layer { name: "relu" type: "ReLU" bottom: "data" top: "data" }
            layer { name: "loss" type: "EuclideanLoss" bottom: "data" bottom: "label" top: "loss" }
            """);
        var r = CliRunner.Run("run", net, "--input", "data=" + Npy(dir, "x.npy", [1, 3], 1, -2, 3),
            "--input", "label=" + Npy(dir, "y.npy", [1, 3], 0, 0, 1), "--output", dir.File("out"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal([2.5f], NpyFile.Read(dir.File("out/loss.npy")).ToArray());
    }

    [Fact]
    public void DenseImageDataSizesItsLabelFromTheDataFile()
    {
        using var dir = new TempDir();
        var net = Write(dir, "seg.prototxt", """
            name: "seg"
            layer { name: "data" type: "DenseImageData" top: "data" top: "label" dense_image_data_param { source: "list.txt" batch_size: 4 } }
            layer { name: "relu" type: "ReLU" bottom: "data" top: "out" }
            """);
        var r = CliRunner.Run("run", net, "--input", "data=" + Npy(dir, "x.npy", [1, 3, 1, 2], 1, -1, 2, -2, 3, -3),
            "--random-input", "--output", dir.File("out"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal([1f, 0, 2, 0, 3, 0], NpyFile.Read(dir.File("out/out.npy")).ToArray());
        Assert.Equal(new TensorShape(1, 1, 1, 2), NpyFile.Read(dir.File("out/label.npy")).Shape);
    }
}
