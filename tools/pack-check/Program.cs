// A fresh console app against the packed CaffeNet library (tools/pack-check.sh builds and runs it):
// load a net with its weights, run one image, print the top 5 class names.
// Usage: Program MODEL.prototxt WEIGHTS.caffemodel IMAGE SYNSET.txt
using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Images;

var net = ModelLoader.Load(args[0], args[1]);
var graph = GraphBuilder.Build(net, LayerRegistry.Default, new GraphOptions { InputShapes = new Dictionary<string, Shape> { ["data"] = new(1, 3, 224, 224) } });
using var executor = new Executor(graph, NetWeights.Resolve(graph, MissingWeights.Refuse), ExecutorOptions.Fast(threads: 2));

var preprocessing = new ImagePreprocessing { MeanValues = [103.94f, 116.78f, 123.68f], Scale = 0.017f };
var input = ImageInput.Load(args[2], 3, 224, 224, preprocessing);
var scores = executor.Forward(new Dictionary<string, Tensor> { ["data"] = input })["loss"];

var labels = ClassLabels.Load(args[3]);
foreach (var (c, score) in ClassLabels.Top(scores.Span, 5))
    Console.WriteLine($"{score:0.0000}  {c,4}  {labels[c]}");
