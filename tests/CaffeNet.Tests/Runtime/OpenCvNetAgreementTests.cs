using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Proto;
using CaffeNet.Runtime;

namespace CaffeNet.Tests.Runtime;

/// <summary>
/// Whole nets through the executor and through OpenCV DNN (fusion off), every layer's first
/// output compared by the rule.
/// </summary>
public class OpenCvNetAgreementTests
{
    static void AssertEveryLayerAgrees(string prototxt, NetGraph graph, Executor executor, NetParameter weights,
        Dictionary<string, Tensor> inputs)
    {
        var ours = new Dictionary<string, Tensor>();
        executor.Forward(inputs, (node, outs) => ours[node.Name] = Tensor.From(outs[0].Shape, outs[0].Span));
        var layers = graph.Nodes.Select(n => n.Name).ToArray();
        using var dir = new TempDir();
        var caseDir = Path.Combine(dir.Path, "net");
        OpenCv.WriteCase(caseDir, File.ReadAllText(prototxt), weights, inputs, layers);
        var theirs = OpenCv.RunCase(caseDir, layers);
        var problems = layers
            .Select(l => (Layer: l, Problem: OpenCv.Disagreement(ours[l], theirs[l])))
            .Where(p => p.Problem is not null)
            .Select(p => $"{p.Layer}: {p.Problem}")
            .ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [OpenCvFact]
    public void LeNetWithTrainedWeights()
    {
        var prototxt = TestPaths.InTestData("lenet", "lenet.prototxt");
        var weightsFile = TestPaths.InTestData("lenet", "lenet_iter_10000.caffemodel");
        var net = ModelLoader.Load(prototxt, weightsFile);
        // The file's batch of 64 is cut to 2, as `caffenet run` does for an input of another batch size.
        var input = T.Random([2, 1, 28, 28], 5);
        for (int i = 0; i < input.Count; i++)
            input.Span[i] = Math.Abs(input.Span[i]);
        var inputs = new Dictionary<string, Tensor> { ["data"] = input };
        var graph = GraphBuilder.Build(net, LayerRegistry.Default, new GraphOptions { InputShapes = NetInputs.ShapeOverrides(GraphBuilder.Build(net, LayerRegistry.Default), inputs) });
        var executor = Executor.Create(graph);
        Assert.Empty(executor.Weights.Filled);
        AssertEveryLayerAgrees(prototxt, graph, executor, ModelLoader.LoadNet(weightsFile), inputs);
    }

    [OpenCvFact]
    public void MobileNetV2DeployWithCalibratedFillerWeights()
    {
        var prototxt = TestPaths.InTestData("mobilenetv2", "deploy.prototxt");
        var graph = GraphBuilder.Build(ModelLoader.Load(prototxt, null), LayerRegistry.Default);
        var executor = Executor.Create(graph, seed: 11);
        var inputs = NetInputs.Random(graph, 12);
        BatchNormCalibration.Calibrate(executor, inputs);
        AssertEveryLayerAgrees(prototxt, graph, executor, executor.Weights.ToNetParameter(graph), inputs);
    }
}
