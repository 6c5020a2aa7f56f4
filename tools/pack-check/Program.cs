// A fresh console app against the packed CaffeNet library (tools/pack-check.sh builds and runs it):
// load a net with its weights, run one image, print the top 5 class names.
// Usage: Program MODEL.prototxt WEIGHTS.caffemodel IMAGE SYNSET.txt
using CaffeNet;
using CaffeNet.Runtime.Images;

using var model = CaffeModel.Load(args[0], args[1], new CaffeModelOptions { Threads = 2 });
var preprocessing = new ImagePreprocessing { MeanValues = [103.94f, 116.78f, 123.68f], Scale = 0.017f };
var input = ImageInput.Load(args[2], 3, 224, 224, preprocessing);
using var result = model.Run(input.Span);

// The package brings System.Numerics.Tensors along: an output reads as a tensor span of its shape.
var loss = result["loss"].AsReadOnlyTensorSpan();
if (loss.Rank != 4 || loss.FlattenedLength != 1000)
    throw new InvalidOperationException($"loss as a tensor span has {loss.Rank} axes and {loss.FlattenedLength} values");

var labels = ClassLabels.Load(args[3]);
foreach (var c in result["loss"].TopK(5))
    Console.WriteLine($"{c.Score:0.0000}  {c.Index,4}  {labels[c.Index]}");
