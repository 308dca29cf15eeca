using AneCompat.Decoders.NeuralNetwork.Shapes;
using AneCompat.Diagnostics;
using AneCompat.Graph;
using AneCompat.Schema;
using ValueType = AneCompat.Graph.ValueType;

namespace AneCompat.Decoders.NeuralNetwork;

/// <summary>
/// Decodes a NeuralNetwork (plain, classifier or regressor) into one graph function <c>main</c>: one op per layer in
/// file order, branch/loop bodies as nested blocks, attributes under common names, weight sizes counted (never
/// read), and tensor shapes inferred from the model inputs (convention: <see cref="ShapeConvention"/>).
/// </summary>
public static class NeuralNetworkDecoder
{
    /// <summary>
    /// Name of the single op parameter that lists a layer's inputs in order: "x", as the espresso decoder names it, so
    /// checks reading an op's primary input as "x" (its shape, rank, whether it is a model input) see the first input.
    /// </summary>
    public const string InputsParameter = "x";

    /// <param name="parts">The network.</param>
    /// <param name="iface">The model's inputs and outputs (from its description).</param>
    /// <param name="functionPrefix">Prefix of op function paths (<c>""</c>, or <c>"models[1]/"</c> inside a pipeline).</param>
    /// <param name="warnings">Receives what was odd but readable.</param>
    /// <param name="sourcePath">File named in errors.</param>
    public static GraphFunction Decode(NeuralNetworkParts parts, ModelInterface iface, string functionPrefix,
        List<ReadWarning> warnings, string sourcePath = "model")
    {
        var function = new GraphFunction { Name = "main" };
        var context = new Context(parts, functionPrefix + "main", OpOrigin.MemberOf(functionPrefix), warnings, sourcePath);
        foreach (var input in iface.Inputs)
        {
            var value = new GraphValue(input.Name, ValueType.Tensor(ElementType.Float32, ShapeConvention.Input(input, parts.ArrayInputShapeMapping)));
            function.Inputs.Add(value);
            function.Body.Inputs.Add(value);
            context.Values[input.Name] = value.Type.Shape;
        }
        context.DecodeLayers(parts.Layers, function.Body, depth: 0, Array.Empty<OriginStep>());
        foreach (var output in iface.Outputs) function.Body.Outputs.Add(output.Name);
        return function;
    }

    private sealed class Context(NeuralNetworkParts root, string function, string member, List<ReadWarning> warnings, string sourcePath)
    {
        /// <summary>Shape of every value seen so far; nested bodies share it because they read and write outer names.</summary>
        public Dictionary<string, TensorShape> Values { get; } = new(StringComparer.Ordinal);

        private int _ops;

        public void DecodeLayers(IEnumerable<NeuralNetworkLayer> layers, Block block, int depth, IReadOnlyList<OriginStep> path)
        {
            if (depth > Limits.MaxProtobufDepth)
                throw new ModelReadException(sourcePath, $"NeuralNetwork branch/loop nesting is deeper than {Limits.MaxProtobufDepth} levels");
            var index = 0;
            foreach (var layer in layers)
            {
                if (++_ops > Limits.MaxOps)
                    throw new ModelReadException(sourcePath, $"NeuralNetwork has more than {Limits.MaxOps} layers");
                block.Ops.Add(DecodeLayer(layer, depth, path, index++));
            }
        }

        private Op DecodeLayer(NeuralNetworkLayer layer, int depth, IReadOnlyList<OriginStep> path, int index)
        {
            var entry = NeuralNetworkLayerKinds.Find(layer.LayerCase);
            var source = entry is null ? "unknown" : NeuralNetworkLayerKinds.SourceName(layer.LayerCase);
            if (entry is null)
                warnings.Add(new ReadWarning("NN-UNKNOWN-LAYER",
                    $"layer '{layer.Name}' has no layer type this reader knows (a newer format version?)"));
            var op = new Op
            {
                Kind = entry is null ? Registry.OpRegistry.Unknown.Name : Registry.NeuralNetworkKindHooks.KindOf(layer, source).Name,
                Source = source,
                Name = layer.Name,
                Function = function,
                Origin = new OpOrigin(OpSourceFormat.NeuralNetwork, member, "main", path, index, layer.Name),
            };
            if (entry?.Broadcastable == true) op.Attributes[Attr.Broadcastable] = true;
            NeuralNetworkLayerAttributes.Apply(layer, op);
            NeuralNetworkWeights.Apply(layer, op);

            var inputShapes = new List<TensorShape>(layer.Input.Count);
            var arguments = new List<Argument>(layer.Input.Count);
            foreach (var name in layer.Input)
            {
                var shape = Values.TryGetValue(name, out var s) ? s : TensorShape.Unknown;
                inputShapes.Add(shape);
                arguments.Add(new Argument { Name = name, Type = ValueType.Tensor(ElementType.Float32, shape) });
            }
            op.Inputs.Add(new OpInput(InputsParameter, arguments));

            // Bodies first: their layers run before this op's outputs are final (a loop writes its carried values).
            switch (layer.LayerCase)
            {
                case NeuralNetworkLayer.LayerOneofCase.Branch:
                    AddBody(op, layer.Branch.IfBranch, depth, OpOrigin.Append(path, index, "ifBranch"));
                    AddBody(op, layer.Branch.ElseBranch, depth, OpOrigin.Append(path, index, "elseBranch"));
                    break;
                case NeuralNetworkLayer.LayerOneofCase.Loop:
                    AddBody(op, layer.Loop.ConditionNetwork, depth, OpOrigin.Append(path, index, "conditionNetwork"));
                    AddBody(op, layer.Loop.BodyNetwork, depth, OpOrigin.Append(path, index, "bodyNetwork"));
                    break;
            }

            var inferred = entry is null ? Array.Empty<TensorShape>() : Infer(layer, inputShapes);
            for (var i = 0; i < layer.Output.Count; i++)
            {
                var shape = i < inferred.Count ? inferred[i] : TensorShape.Unknown;
                if (i < layer.OutputTensor.Count) shape = Declared(layer.OutputTensor[i], shape);
                var name = layer.Output[i];
                op.Outputs.Add(new GraphValue(name, ValueType.Tensor(ElementType.Float32, shape)));
                // In straight-line code the latest write wins (converters reuse names, even an input's). Inside a
                // branch or loop body the write may or may not happen, so a conflicting shape becomes unknown.
                Values[name] = depth > 0 && Values.TryGetValue(name, out var earlier) && !earlier.Equals(shape) ? TensorShape.Unknown : shape;
            }
            return op;
        }

        private void AddBody(Op op, Schema.NeuralNetwork? body, int depth, IReadOnlyList<OriginStep> path)
        {
            if (body is null) return;
            var block = new Block();
            op.Blocks.Add(block);
            DecodeLayers(body.Layers, block, depth + 1, path);
        }

        private static IReadOnlyList<TensorShape> Infer(NeuralNetworkLayer layer, IReadOnlyList<TensorShape> inputs)
        {
            try
            {
                return Registry.NeuralNetworkKindHooks.ShapeInference(layer, inputs);
            }
            catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or OverflowException or InvalidOperationException)
            {
                // A rule meeting parameters the format forbids: the shape is unknown, the model is still readable.
                return Array.Empty<TensorShape>();
            }
        }

        /// <summary>
        /// The layer's own outputTensor hint (spec 4+): its rank, and every axis it gives (-1 = not given), filled in
        /// from inference where the ranks agree. Under the legacy rank-5 mapping a rank-5 hint is read in the
        /// graph's [N, C, H, W] form.
        /// </summary>
        private TensorShape Declared(Schema.Tensor hint, TensorShape inferred)
        {
            if (hint.Rank == 0 || hint.Rank > 64) return inferred;
            var dims = Enumerable.Range(0, (int)hint.Rank)
                .Select(i => i < hint.DimValue.Count && hint.DimValue.Count == hint.Rank && hint.DimValue[i] >= 0 ? Dim.Of(hint.DimValue[i]) : Dim.Unknown)
                .ToArray();
            var declared = hint.Rank == 5 && root.ArrayInputShapeMapping == NeuralNetworkMultiArrayShapeMapping.Rank5ArrayMapping
                ? ShapeConvention.Legacy(dims) : new TensorShape(dims);
            if (declared.Dims is null) return inferred;
            if (inferred.Rank != declared.Rank) return declared;
            return new TensorShape(declared.Dims.Select((d, i) => d.IsKnown ? d : inferred[i]).ToArray());
        }
    }
}
