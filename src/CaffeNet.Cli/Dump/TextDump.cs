using CaffeNet.Graph;

namespace CaffeNet.Cli.Dump;

/// <summary>
/// A summary table in the manner of Keras' model.summary(): one row per layer, then totals and a
/// count of layers per type. Fits 100 columns; long names are shortened in the middle.
/// </summary>
public static class TextDump
{
    const int Width = 100;
    const string InPlace = " (in place)";
    const string Arrow = " -> ";

    public static void Write(NetGraph graph, DumpInfo info, TextWriter w)
    {
        var rows = Rows(graph, info).ToList();
        string[] headers = ["#", "Layer", "Type", "Bottoms -> Tops", "Output", "Params", "MACs"];
        var widths = new int[headers.Length];
        for (int c = 0; c < headers.Length; c++)
            widths[c] = rows.SelectMany(r => r.Cells(c)).Append(headers[c]).Max(s => s.Length);
        widths[2] = Math.Min(widths[2], 16);
        widths[4] = Math.Min(widths[4], 18);
        // What is left after the fixed columns and the separators goes to the two name columns.
        int rest = Width - (widths[0] + widths[2] + widths[4] + widths[5] + widths[6]) - 2 * (headers.Length - 1);
        widths[1] = Math.Min(widths[1], Math.Max(8, rest * 2 / 5));
        widths[3] = Math.Min(widths[3], Math.Max(8, rest - widths[1]));

        var name = graph.Name.Length > 0 ? $"Net {Excerpt.Quote(graph.Name)}" : "Unnamed net";
        w.WriteLine($"{name}, phase {Format.Phase(info.Phase)}: {graph.Nodes.Count} layers");
        w.WriteLine();
        w.WriteLine(Line(headers, widths));
        w.WriteLine(Line(widths.Select(n => new string('-', n)).ToArray(), widths));
        foreach (var row in rows)
            foreach (var line in row.Lines())
                w.WriteLine(Line(line, widths));
        w.WriteLine();

        var total = graph.TotalCost;
        Footer(w, "Params", AtLeast(total.UnknownParams) + $"{Format.Count(total.Params)} ({Format.Short(total.Params)}, {Format.Bytes(total.Params * sizeof(float))} as float32)" + Missing(total.UnknownParams));
        Footer(w, "MACs", AtLeast(total.UnknownMacs) + $"{Format.Count(total.Macs)} ({Format.Short(total.Macs)}, convolution and inner product)" + Missing(total.UnknownMacs));
        Footer(w, "Other ops", AtLeast(total.UnknownElementwiseOps) + $"{Format.Count(total.ElementwiseOps)} (elementwise, normalisation, pooling)" + Missing(total.UnknownElementwiseOps));
        Footer(w, "Activations", $"peak {(graph.HasUnknownDims ? ">= " : "")}{Format.Bytes(graph.PeakActivationBytes)} ({Format.Count(graph.PeakActivationBytes)} bytes), blobs freed after their last use");
        // Names as the table cells show them, bounded: a 100 MB type name is not a 100 MB line.
        Footer(w, "Inputs", graph.Inputs.Select(v => $"{Excerpt.Plain(v.Name)} {v.Shape}"));
        Footer(w, "Outputs", graph.Outputs.Select(v => $"{Excerpt.Plain(v.Name)} {v.Shape}"));
        Footer(w, "Layer types", Format.TypeCounts(graph).Select(t => $"{Excerpt.Plain(t.Type)} {t.Count}"));

        if (graph.HasUnknownDims)
            w.WriteLine("? Sizes kept in the data source are unknown (>= totals skip them); --input NAME=N,C,H,W fixes them");
        var unknown = graph.UnknownNodes.Select(n => n.Type).Distinct().ToList();
        if (unknown.Count > 0)
            w.WriteLine($"? Not supported, kept as opaque layers with unknown output shapes: {Excerpt.List(unknown.Select(t => Excerpt.Plain(t)), 20)}");
        if (info.WithWeights)
        {
            var filled = graph.Nodes.Where(n => n.NeedsFiller).ToList();
            w.WriteLine(filled.Count == 0
                ? "Weights:     every learnable blob is present in the caffemodel, with the right shape"
                : $"* No weights in the caffemodel for {filled.Count} layer(s); Caffe would initialise them with the prototxt's fillers");
        }
    }

    static IEnumerable<Row> Rows(NetGraph graph, DumpInfo info)
    {
        foreach (var input in graph.Inputs)
            yield return new Row("", input.Name, graph.InputTypes[input], "-> " + input.Name, [input.Shape.ToString()], "", "");
        foreach (var node in graph.Nodes)
        {
            string type = node.IsKnown ? node.Type : Excerpt.Plain(node.Type) + "?";
            string parameters = (node.Cost.Params is { } p ? Format.Count(p) : "?") + (info.WithWeights && node.NeedsFiller ? "*" : "");
            // Exact figures are in the totals and the JSON; per row a short form keeps the table narrow.
            string macs = node.Cost.Macs switch { null => "?", 0 => "", { } m => Format.Short(m) };
            yield return new Row(node.Index.ToString(), node.Name, type, Flow(node),
                node.Outputs.Select(o => o.Shape.ToString()).ToList(), parameters, macs);
        }
    }

    /// <summary>Marks a total that misses <paramref name="unknownLayers"/> layers as a lower bound.</summary>
    static string AtLeast(int unknownLayers) => unknownLayers > 0 ? ">= " : "";

    /// <summary>", 3 layers unknown" after a lower bound.</summary>
    static string Missing(int unknownLayers) =>
        unknownLayers > 0 ? $", {unknownLayers} layer{(unknownLayers == 1 ? "" : "s")} unknown" : "";

    /// <summary>"a, b -> c", or "x (in place)" when every top rewrites its bottom.</summary>
    static string Flow(Node node)
    {
        var bottoms = string.Join(", ", node.Layer.Bottom);
        var tops = string.Join(", ", node.Layer.Top);
        bool inPlace = node.Layer.Top.Count > 0 && node.Layer.Bottom.Count == node.Layer.Top.Count
            && Enumerable.Range(0, node.Layer.Top.Count).All(node.IsInPlace);
        return inPlace ? tops + InPlace : $"{bottoms}{Arrow}{tops}";
    }

    /// <summary>Shortens a flow cell part by part, so the arrow and "(in place)" stay readable.</summary>
    static string FitFlow(string flow, int width)
    {
        if (flow.Length <= width) return flow;
        if (flow.EndsWith(InPlace, StringComparison.Ordinal) && width > 2 * InPlace.Length)
            return Format.Middle(flow[..^InPlace.Length], width - InPlace.Length) + InPlace;
        int arrow = flow.IndexOf(Arrow, StringComparison.Ordinal);
        int room = width - Arrow.Length;
        if (arrow < 0 || room < 8) return Format.Middle(flow, width);
        var (left, right) = (Count(flow[..arrow], room / 2), Count(flow[(arrow + Arrow.Length)..], room / 2));
        int leftRoom = left.Length <= room / 2 ? left.Length : right.Length <= room / 2 ? room - right.Length : room / 2;
        return Format.Middle(left, leftRoom) + Arrow + Format.Middle(right, room - leftRoom);
    }

    /// <summary>A list of blob names too long for its room becomes "4 blobs".</summary>
    static string Count(string names, int room)
    {
        int n = names.Split(", ").Length;
        return names.Length > room && n > 1 ? $"{n} blobs" : names;
    }

    /// <summary>Writes "Label:      a, b, c", wrapping between items at the table width, aligned under the first.</summary>
    static void Footer(TextWriter w, string label, params IEnumerable<string> items)
    {
        const int indent = 13;
        var line = (label + ":").PadRight(indent);
        bool first = true;
        foreach (var item in items)
        {
            var piece = first ? item : ", " + item;
            if (!first && line.Length + piece.Length + 1 > Width)
            {
                w.WriteLine(line + ",");
                line = new string(' ', indent);
                piece = item;
            }
            line += piece;
            first = false;
        }
        w.WriteLine(line.TrimEnd());
    }

    static string Line(IReadOnlyList<string> cells, int[] widths)
    {
        var parts = new string[cells.Count];
        for (int c = 0; c < cells.Count; c++)
        {
            var text = c == 3 ? FitFlow(cells[c], widths[c]) : Format.Middle(cells[c], widths[c]);
            // Numbers align right; text left.
            parts[c] = c is 0 or 5 or 6 ? text.PadLeft(widths[c]) : text.PadRight(widths[c]);
        }
        return string.Join("  ", parts).TrimEnd();
    }

    sealed record Row(string Index, string Name, string Type, string Flow, IReadOnlyList<string> Shapes, string Params, string Macs)
    {
        public IEnumerable<string> Cells(int column) => column switch
        {
            0 => [Index],
            1 => [Name],
            2 => [Type],
            3 => [Flow],
            4 => Shapes,
            5 => [Params],
            _ => [Macs],
        };

        /// <summary>The first line has every cell; a layer with several tops lists their shapes below.</summary>
        public IEnumerable<string[]> Lines()
        {
            yield return [Index, Name, Type, Flow, Shapes.Count > 0 ? Shapes[0] : "", Params, Macs];
            foreach (var shape in Shapes.Skip(1))
                yield return ["", "", "", "", shape, "", ""];
        }
    }
}
