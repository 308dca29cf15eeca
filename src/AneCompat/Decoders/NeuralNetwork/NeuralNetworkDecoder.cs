using AneCompat.Decoders.NeuralNetwork.Shapes;
using AneCompat.Diagnostics;
using AneCompat.Graph;
using AneCompat.Schema;
using Google.Protobuf.Collections;
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
        var context = new Context(parts, functionPrefix + "main", OpOrigin.MemberOf(functionPrefix), warnings, sourcePath,
            expectedValues: parts.Layers.Count + iface.Inputs.Count);
        foreach (var input in iface.Inputs)
        {
            var value = new GraphValue(input.Name, context.TensorOf(ShapeConvention.Input(input, parts.ArrayInputShapeMapping)));
            function.Inputs.Add(value);
            function.Body.Inputs.Add(value);
            context.Values[input.Name] = value.Type;
        }
        context.DecodeLayers(parts.Layers, function.Body, depth: 0, Array.Empty<OriginStep>());
        foreach (var output in iface.Outputs) function.Body.Outputs.Add(output.Name);
        return function;
    }

    /// <summary>The type of a value whose shape is not known: one instance, shared.</summary>
    private static readonly ValueType UnknownTensor = ValueType.Tensor(ElementType.Float32, TensorShape.Unknown);

    private sealed class Context(NeuralNetworkParts root, string function, string member, List<ReadWarning> warnings, string sourcePath,
        int expectedValues)
    {
        /// <summary>
        /// Type of every value seen so far; nested bodies share it because they read and write outer names. A layer's
        /// input argument takes the very type its producer's output got (types are immutable), not a copy.
        /// </summary>
        public Dictionary<string, ValueType> Values { get; } = new(expectedValues, StringComparer.Ordinal);

        /// <summary>One type per distinct shape (types are immutable).</summary>
        private readonly Dictionary<TensorShape, ValueType> _types = new() { [TensorShape.Unknown] = UnknownTensor };

        /// <summary>
        /// The float tensor type of <paramref name="shape"/>, one instance per distinct shape: a network has few, and
        /// the report formats each type instance once.
        /// </summary>
        public ValueType TensorOf(TensorShape shape)
        {
            ref var type = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_types, shape, out _);
            return type ??= ValueType.Tensor(ElementType.Float32, shape);
        }

        /// <summary>Scratch for one layer's attributes, so each op's dictionary is allocated once at its final size.</summary>
        private readonly Dictionary<string, object> _attributes = new(StringComparer.Ordinal);

        /// <summary>Scratch for one layer's weights.</summary>
        private readonly List<WeightParams> _weights = new();

        /// <summary>Scratch for one layer's input shapes (shape rules read them, never keep them).</summary>
        private readonly List<TensorShape> _inputShapes = new();

        private int _ops;

        public void DecodeLayers(RepeatedField<NeuralNetworkLayer> layers, Block block, int depth, IReadOnlyList<OriginStep> path)
        {
            if (depth > Limits.MaxProtobufDepth)
                throw new ModelReadException(sourcePath, $"NeuralNetwork branch/loop nesting is deeper than {Limits.MaxProtobufDepth} levels");
            block.Ops.EnsureCapacity(block.Ops.Count + layers.Count);
            for (var index = 0; index < layers.Count; index++)
            {
                if (++_ops > Limits.MaxOps)
                    throw new ModelReadException(sourcePath, $"NeuralNetwork has more than {Limits.MaxOps} layers");
                block.Ops.Add(DecodeLayer(layers[index], depth, path, index));
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
            _attributes.Clear();
            if (entry?.Broadcastable == true) _attributes[Attr.Broadcastable] = true;
            NeuralNetworkLayerAttributes.Apply(layer, _attributes);
            op.WeightBytes = NeuralNetworkWeights.Apply(layer, _attributes, _weights);
            op.Attributes.EnsureCapacity(_attributes.Count);
            foreach (var (name, value) in _attributes) op.Attributes.Add(name, value);

            var inputNames = layer.Input;
            var arguments = new Argument[inputNames.Count];
            for (var i = 0; i < arguments.Length; i++)
            {
                var name = inputNames[i];
                arguments[i] = new Argument { Name = name, Type = Values.TryGetValue(name, out var t) ? t : UnknownTensor };
            }
            op.Inputs.Capacity = 1;
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

            // The input shapes as they were before the bodies ran (the arguments hold them), in a list reused from
            // layer to layer: filled only now, after the bodies, which decode layers of their own.
            _inputShapes.Clear();
            foreach (var argument in arguments) _inputShapes.Add(argument.Type.Shape);
            var inferred = entry is null ? Array.Empty<TensorShape>() : Infer(layer, _inputShapes);
            var outputNames = layer.Output;
            op.Outputs.Capacity = outputNames.Count;
            for (var i = 0; i < outputNames.Count; i++)
            {
                var shape = i < inferred.Count ? inferred[i] : TensorShape.Unknown;
                if (i < layer.OutputTensor.Count) shape = Declared(layer.OutputTensor[i], shape);
                var name = outputNames[i];
                var type = TensorOf(shape);
                op.Outputs.Add(new GraphValue(name, type));
                // In straight-line code the latest write wins (converters reuse names, even an input's). Inside a
                // branch or loop body the write may or may not happen, so a conflicting shape becomes unknown.
                Values[name] = depth > 0 && Values.TryGetValue(name, out var earlier) && !earlier.Shape.Equals(shape) ? UnknownTensor : type;
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
            var rank = (int)hint.Rank;
            var given = hint.DimValue;
            var dims = new Dim[rank];
            for (var i = 0; i < rank; i++)
                dims[i] = i < given.Count && given.Count == rank && given[i] >= 0 ? Dim.Of(given[i]) : Dim.Unknown;
            var declared = rank == 5 && root.ArrayInputShapeMapping == NeuralNetworkMultiArrayShapeMapping.Rank5ArrayMapping
                ? ShapeConvention.Legacy(dims) : new TensorShape(dims);
            if (declared.Dims is not { } declaredDims) return inferred;
            if (inferred.Rank != declared.Rank) return declared;
            var merged = new Dim[declaredDims.Count];
            for (var i = 0; i < merged.Length; i++) merged[i] = declaredDims[i].IsKnown ? declaredDims[i] : inferred[i];
            return new TensorShape(merged);
        }
    }
}
