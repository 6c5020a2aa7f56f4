using CaffeNet.Proto;

namespace CaffeNet.Graph;

/// <summary>
/// Lowers a NetParameter (already upgraded from legacy formats, weights merged into layer blobs)
/// to a <see cref="NetGraph"/>: selects layers for the net state, resolves blobs to
/// single-assignment values, infers shapes with Caffe's rules, checks weights and computes costs.
/// </summary>
public static class GraphBuilder
{
    /// <summary>Lowers <paramref name="net"/> with the shape rules of <paramref name="layers"/> (the runtime's layer registry).</summary>
    public static NetGraph Build(NetParameter net, ShapeRules layers, GraphOptions? options = null)
    {
        options ??= new GraphOptions();
        if (net.Layers.Count > 0)
            throw new CaffeNetException(
                $"net {Excerpt.Name(net.Name)}: uses the legacy V1 'layers' field; load it through the importer, which upgrades it");
        var state = NetStateFilter.State(net, options);
        var selected = net.Layer.Where(l => NetStateFilter.Includes(l, state)).ToList();
        var lowering = new Lowering(state, options, layers, selected, net.Layer);
        lowering.AddHeaderInputs(net);
        foreach (var layer in selected)
            lowering.Add(layer);
        return lowering.Finish(net.Name);
    }

    sealed class Lowering(NetState state, GraphOptions options, ShapeRules rules, IReadOnlyList<LayerParameter> layers, IReadOnlyList<LayerParameter> allLayers)
    {
        readonly Phase phase = state.Phase;
        readonly Dictionary<string, Value> current = new(StringComparer.Ordinal);
        readonly List<Value> values = [];
        readonly List<Value> inputs = [];
        readonly Dictionary<Value, string> inputTypes = [];
        readonly List<Node> nodes = [];
        readonly HashSet<string> usedInputShapes = new(StringComparer.Ordinal);

        public void AddHeaderInputs(NetParameter net)
        {
            if (net.Input.Count == 0) return;
            bool byShape = net.InputShape.Count > 0;
            if (byShape ? net.InputShape.Count != net.Input.Count : net.InputDim.Count != 4 * net.Input.Count)
                throw new CaffeNetException(
                    $"net {Excerpt.Name(net.Name)}: {net.Input.Count} input(s) need one input_shape each or four input_dim each");
            for (int i = 0; i < net.Input.Count; i++)
            {
                var dims = byShape ? net.InputShape[i].Dim.ToList() : net.InputDim.Skip(4 * i).Take(4).Select(d => (long)d).ToList();
                var context = new LayerContext(new LayerParameter { Name = "input", Type = "Input" }, [], phase);
                var shape = options.InputShapes.ContainsKey(net.Input[i]) ? null : context.Output(dims);
                AddInput(net.Input[i], shape, "Input", context);
            }
        }

        public void Add(LayerParameter layer)
        {
            var context = new LayerContext(layer, [], phase);
            if (layer.Bottom.Count == 0 && rules.Source(layer.Type) is { } source)
            {
                // Shapes the user gives replace the layer's, which may be placeholders such as 0.
                var shapes = layer.Top.All(options.InputShapes.ContainsKey) ? null : source.Tops(context);
                if (shapes is not null && source.SharedBatch)
                    shapes = WithGivenBatch(layer, shapes);
                if (shapes is not null)
                    shapes = source.WithGiven(context, shapes, options.InputShapes);
                for (int i = 0; i < layer.Top.Count; i++)
                    AddInput(layer.Top[i], shapes?[i], layer.Type, context);
                return;
            }
            // A layer we do not know that only feeds the net still works if the user gives its shapes.
            if (layer.Bottom.Count == 0 && layer.Top.Count > 0 && rules.Rule(layer.Type) is null
                && layer.Top.All(options.InputShapes.ContainsKey))
            {
                foreach (var top in layer.Top)
                    AddInput(top, null, layer.Type, context);
                return;
            }
            if (layer.Top.Count == 0 && layer.Type.EndsWith("Loss", StringComparison.Ordinal))
                layer = WithAutomaticTop(layer);
            AddNode(layer);
        }

        /// <summary>
        /// Caffe gives a loss layer written without a top one of its own ("(automatic)", which no
        /// other layer can read): V0 nets such as lenet_train do so. Here it is named after the layer.
        /// </summary>
        static LayerParameter WithAutomaticTop(LayerParameter layer)
        {
            var copy = layer.Clone();
            copy.Top.Add($"{layer.Name} (automatic)");
            // The same blobs, not clones: a clone drops floats read aside (BlobProto.DataAside).
            copy.Blobs.Clear();
            copy.Blobs.Add(layer.Blobs);
            return copy;
        }

        /// <summary>
        /// A data layer reads one batch for all its tops (data and label), so a batch the user
        /// gives one top is the batch of the tops he leaves to the prototxt.
        /// </summary>
        IReadOnlyList<Shape?> WithGivenBatch(LayerParameter layer, IReadOnlyList<Shape?> shapes)
        {
            var batch = layer.Top.Select(t => options.InputShapes.GetValueOrDefault(t)).FirstOrDefault(s => s is { Rank: > 0 })?.Dim(0);
            if (batch is not int n)
                return shapes;
            return shapes.Select((shape, i) => options.InputShapes.ContainsKey(layer.Top[i]) || shape is not { IsKnown: true, Rank: > 0 }
                ? shape
                : Shape.Partial(shape.OptionalDims.Select((d, axis) => axis == 0 ? n : d))).ToList();
        }

        void AddInput(string name, Shape? shape, string type, LayerContext context)
        {
            if (options.InputShapes.TryGetValue(name, out var given))
            {
                shape = given;
                usedInputShapes.Add(name);
            }
            if (shape is null || !shape.IsComplete && !options.AllowUnknownDims)
                throw context.Error(
                    $"the shape of {Excerpt.Name(name)} is not in the prototxt (Caffe reads it from the data source); give it with --input {Excerpt.Plain(name)}=N,C,H,W");
            if (current.TryGetValue(name, out var existing))
                throw context.Error($"top {Excerpt.Name(name)} is already written by {Writer(existing)}");
            var value = new Value(values.Count, name, 0, shape, null);
            values.Add(value);
            inputs.Add(value);
            inputTypes[value] = type;
            current[name] = value;
        }

        void AddNode(LayerParameter layer)
        {
            var bottoms = new List<Value>();
            foreach (var name in layer.Bottom)
            {
                // A blob no layer writes whose shape the user gives is a net input, as if the
                // prototxt declared it: a deploy net left with its loss layer's label (farmingyard's
                // MobileNetV2) runs with --input label=1.
                if (!current.ContainsKey(name) && options.InputShapes.ContainsKey(name) && !allLayers.Any(l => l.Top.Contains(name)))
                    AddInput(name, null, "Input", new LayerContext(layer, [], phase));
                bottoms.Add(current.TryGetValue(name, out var v) ? v : throw UndefinedBottom(layer, name));
            }
            var node = new Node(nodes.Count, layer, bottoms);
            var context = new LayerContext(layer, bottoms.Select(b => b.Shape).ToList(), phase);

            LayerShapes shapes;
            if (rules.Rule(layer.Type) is { } rule)
            {
                foreach (var b in bottoms)
                    if (!b.Shape.IsKnown)
                        throw context.Error(
                            $"bottom {Excerpt.Name(b.Name)} comes from layer {Excerpt.Name(b.Producer!.Name)} of type {Excerpt.Plain(b.Producer.Type)}, which CaffeNet does not support, so its shape is unknown");
                try
                {
                    shapes = rule.Infer(context);
                }
                catch (OverflowException)
                {
                    throw context.Error("a size computed from the parameters overflows");
                }
                catch (UnknownDimensionException)
                {
                    // A rule that needs a size the data source holds (say, to check it).
                    var partial = bottoms.First(b => !b.Shape.IsComplete);
                    throw context.Error(
                        $"needs the exact shape of bottom {Excerpt.Name(partial.Name)}, which is {partial.Shape}; give the net's input shape with --input NAME=N,C,H,W");
                }
                node.IsKnown = true;
                node.Rule = rule;
                node.Attributes = shapes.Attributes;
                node.ParamShapes = shapes.Params;
                CheckBlobs(context, shapes.Params);
            }
            else
            {
                shapes = new LayerShapes(layer.Top.Select(_ => Shape.Unknown).ToList());
            }

            var outputs = new List<Value>();
            for (int i = 0; i < layer.Top.Count; i++)
                outputs.Add(Define(node, context, i, shapes.Outputs[i]));
            node.Outputs = outputs;
            foreach (var b in bottoms.Distinct())
                b.AddConsumer(node);
            // Opaque layers' outputs count as nothing, as before; partial ones make the figure unknown.
            var outputCounts = outputs.Where(o => o.Shape.IsKnown).Select(o => o.Shape.CountIfKnown).ToList();
            long? outputBytes = outputCounts.Contains(null) ? null : outputCounts.Sum() * sizeof(float);
            var paramCounts = shapes.Params.Select(p => p.CountIfKnown).ToList();
            long? parameters = paramCounts.Contains(null) ? null : paramCounts.Sum();
            node.Cost = new NodeCost(parameters, shapes.Macs, shapes.ElementwiseOps, outputBytes);
            nodes.Add(node);
        }

        Value Define(Node node, LayerContext context, int top, Shape shape)
        {
            var name = node.Layer.Top[top];
            int version = 0;
            if (node.IsInPlace(top))
            {
                var previous = current[name];
                if (shape.IsKnown && !shape.Matches(previous.Shape))
                    throw context.Error($"works in place on {Excerpt.Name(name)} but would change its shape from {previous.Shape} to {shape}");
                version = previous.Version + 1;
            }
            else if (current.TryGetValue(name, out var existing))
            {
                throw context.Error(
                    $"top {Excerpt.Name(name)} is already written by {Writer(existing)}; only an in-place layer (top equal to the bottom at the same position) may write a blob again");
            }
            var value = new Value(values.Count, name, version, shape, node);
            values.Add(value);
            current[name] = value;
            return value;
        }

        void CheckBlobs(LayerContext context, IReadOnlyList<Shape> expected)
        {
            var blobs = context.Layer.Blobs;
            if (blobs.Count == 0) return;
            if (blobs.Count != expected.Count)
                throw context.Error($"has {blobs.Count} weight blob(s), expected {expected.Count} ({string.Join(", ", expected)})");
            for (int i = 0; i < blobs.Count; i++)
                if (!BlobShapes.Fits(blobs[i], expected[i]))
                    throw context.Error($"weight blob {i} has shape {BlobShapes.Describe(blobs[i])}, expected {expected[i]}");
        }

        CaffeNetException UndefinedBottom(LayerParameter layer, string name)
        {
            var prefix = $"{Excerpt.Layer(layer.Name, layer.Type)}: bottom {Excerpt.Name(name)}";
            int self = IndexOf(layer);
            var later = layers.Skip(self + 1).FirstOrDefault(l => l.Top.Contains(name));
            if (later is not null || layer.Top.Contains(name) && !layer.Bottom.Contains(name))
                return new CaffeNetException(
                    $"{prefix} is produced only later, by layer {Excerpt.Name((later ?? layer).Name)}; layers run in file order, so this is a cycle or a layer out of place");
            var filtered = allLayers.FirstOrDefault(l => l.Top.Contains(name) && IndexOf(l) < 0);
            if (filtered is not null)
                return new CaffeNetException(
                    $"{prefix} is written only by layer {Excerpt.Name(filtered.Name)}, which is not in this net state ({Describe(state)})");
            return new CaffeNetException($"{prefix} is not produced by any layer before it (nor is it a net input)");
        }

        int IndexOf(LayerParameter layer)
        {
            for (int i = 0; i < layers.Count; i++)
                if (ReferenceEquals(layers[i], layer)) return i;
            return -1;
        }

        static string Describe(NetState s) =>
            $"phase {s.Phase.ToString().ToUpperInvariant()}, level {s.Level}, stages [{string.Join(", ", s.Stage)}]";

        static string Writer(Value v) => v.Producer is null ? "an input of the net" : $"layer {Excerpt.Name(v.Producer.Name)}";

        public NetGraph Finish(string name)
        {
            foreach (var given in options.InputShapes.Keys)
                if (!usedInputShapes.Contains(given))
                    throw new CaffeNetException(
                        $"--input {Excerpt.Plain(given)}: the net has no input named {Excerpt.Name(given)} (its inputs: {Excerpt.List(inputs.Select(i => Excerpt.Plain(i.Name)))})");
            var outputs = values.Where(v => current[v.Name] == v && v.Consumers.Count == 0).ToList();
            long peak = ActivationMemory.PeakBytes(values, nodes.Count, outputs);
            return new NetGraph(name, inputs, outputs, nodes, values, inputTypes, peak, rules);
        }
    }
}
