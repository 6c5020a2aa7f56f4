using System.Text;
using CaffeNet.Graph;

namespace CaffeNet.Cli.Dump;

/// <summary>
/// Graphviz source in the spirit of Caffe's draw_net.py: a box per layer with its name, type and
/// output shape, coloured by kind; net inputs as grey ovals; edges labelled with blob names.
/// </summary>
public static class DotDump
{
    public static void Write(NetGraph graph, TextWriter w)
    {
        w.WriteLine($"digraph {Quote(graph.Name.Length > 0 ? graph.Name : "net")} {{");
        w.WriteLine("  rankdir=TB;");
        w.WriteLine("  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];");
        w.WriteLine("  edge [fontname=\"Helvetica\", fontsize=8];");
        foreach (var input in graph.Inputs)
            w.WriteLine($"  {Id(input)} [shape=oval, fillcolor=\"#E0E0E0\", label={Quote($"{input.Name}\n{graph.InputTypes[input]}\n{input.Shape}")}];");
        foreach (var node in graph.Nodes)
        {
            var shapes = string.Join("\n", node.Outputs.Select(o => o.Shape.ToString()));
            var label = $"{node.Name}\n({node.Type}){Details(node)}" + (shapes.Length > 0 ? "\n" + shapes : "");
            var style = node.IsKnown ? "" : ", style=\"rounded,filled,dashed\"";
            w.WriteLine($"  n{node.Index} [fillcolor=\"{Colour(node)}\"{style}, label={Quote(label)}];");
        }
        foreach (var node in graph.Nodes)
            foreach (var input in node.Inputs.Distinct())
            {
                var from = input.Producer is { } p ? $"n{p.Index}" : Id(input);
                w.WriteLine($"  {from} -> n{node.Index} [label={Quote(input.Name)}];");
            }
        w.WriteLine("}");
    }

    /// <summary>Kernel, stride and pad for convolution and pooling, as draw_net.py shows them.</summary>
    static string Details(Node node) => node.Attributes switch
    {
        ConvolutionAttributes a => $"\nkernel {a.KernelH}x{a.KernelW}, stride {a.StrideH}, pad {a.PadH}" + (a.Group > 1 ? $", group {a.Group}" : ""),
        PoolingAttributes { Global: true } a => $"\n{a.Method.ToString().ToUpperInvariant()} global",
        PoolingAttributes a => $"\n{a.Method.ToString().ToUpperInvariant()} {a.KernelH}x{a.KernelW}, stride {a.StrideH}, pad {a.PadH}",
        _ => "",
    };

    static string Colour(Node node) => node.Type switch
    {
        _ when !node.IsKnown => "#FFFFFF",
        "Convolution" or "Deconvolution" or "ConvolutionDepthwise" or "DepthwiseConvolution" => "#FF5050",
        "Pooling" => "#FF9900",
        "InnerProduct" => "#CC33FF",
        "BatchNorm" or "Scale" or "Bias" or "LRN" => "#66CC66",
        "Concat" or "Slice" or "Split" or "Eltwise" or "Crop" or "Flatten" or "Reshape" or "Permute" => "#FFE066",
        "Softmax" or "SoftmaxWithLoss" or "Accuracy" or "ArgMax" or "EuclideanLoss" or "SigmoidCrossEntropyLoss" => "#A0A0FF",
        _ => "#6495ED",
    };

    static string Id(Value input) => Quote("input:" + input.Name);

    static string Quote(string s)
    {
        var b = new StringBuilder("\"");
        foreach (var ch in s)
            b.Append(ch switch { '"' => "\\\"", '\\' => "\\\\", '\n' => "\\n", _ => ch.ToString() });
        return b.Append('"').ToString();
    }
}
