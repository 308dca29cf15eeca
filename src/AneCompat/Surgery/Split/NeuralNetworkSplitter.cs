using AneCompat.Evaluation;
using AneCompat.Schema;
using Tensor = AneCompat.Evaluation.Tensor;
using L = AneCompat.Schema.NeuralNetworkLayer.LayerOneofCase;

namespace AneCompat.Surgery.Split;

/// <summary>
/// Splits a NeuralNetwork model (plain, classifier or regressor) into consecutive sub-models. Layers are copied
/// unchanged (weights included), blob names are kept, so every crossing tensor is a feature of the same name;
/// constant layers are copied into each sub-model that reads them. The last sub-model keeps the classifier or
/// regressor head; earlier ones are plain <c>neuralNetwork</c>s. Boundary tensors are declared as fp32 multi-arrays
/// in the mapping's convention: [C, H, W] (or [S, 1, C, H, W]) under RANK5, the exact shape under EXACT.
/// </summary>
internal static class NeuralNetworkSplitter
{
    private sealed record Body(IList<NeuralNetworkLayer> Layers, IList<NeuralNetworkPreprocessing> Preprocessing,
        NeuralNetworkMultiArrayShapeMapping Mapping, NeuralNetworkImageShapeMapping ImageMapping);

    public static List<SubModel> Split(LoadedModel model, PlacementLookup placement, SplitOptions options)
    {
        var spec = model.Spec;
        var body = spec.TypeCase switch
        {
            Model.TypeOneofCase.NeuralNetwork => new Body(spec.NeuralNetwork.Layers, spec.NeuralNetwork.Preprocessing, spec.NeuralNetwork.ArrayInputShapeMapping, spec.NeuralNetwork.ImageInputShapeMapping),
            Model.TypeOneofCase.NeuralNetworkClassifier => new Body(spec.NeuralNetworkClassifier.Layers, spec.NeuralNetworkClassifier.Preprocessing, spec.NeuralNetworkClassifier.ArrayInputShapeMapping, spec.NeuralNetworkClassifier.ImageInputShapeMapping),
            Model.TypeOneofCase.NeuralNetworkRegressor => new Body(spec.NeuralNetworkRegressor.Layers, spec.NeuralNetworkRegressor.Preprocessing, spec.NeuralNetworkRegressor.ArrayInputShapeMapping, spec.NeuralNetworkRegressor.ImageInputShapeMapping),
            _ => throw new SplitRefusedException($"not a NeuralNetwork model ({spec.TypeCase})"),
        };
        if (spec.IsUpdatable) throw new SplitRefusedException("updatable models cannot be split (training needs the whole network in one model)");

        var graphOps = placement.Function.Body.Ops;
        if (graphOps.Count != body.Layers.Count || graphOps.Zip(body.Layers).Any(p => (p.First.Name ?? "") != p.Second.Name))
            throw new SplitRefusedException("the decoded graph does not line up with the file's layers; cannot cut safely");

        var units = body.Layers.Select((layer, i) => Unit(i, layer, placement.DeviceOf(graphOps[i]))).ToList();
        var nested = placement.NestedNames();
        foreach (var at in options.CutAfter)
            if (!units.Any(u => u.Name == at) && nested.Contains(at))
                throw new SplitRefusedException($"--at {at}: the op is inside a nested block (branch/loop); cuts inside nested blocks are refused");

        var description = spec.Description;
        var inputs = description.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var parts = CutPlanner.Plan(units, options.CutAfter, inputs, description.Output.Select(o => o.Name).ToList(), options.By);
        var shapes = new BoundaryShapes(model, body.Mapping, placement, options);

        var result = new List<SubModel>();
        foreach (var part in parts)
        {
            var last = part.Index == parts.Count - 1;
            var sub = new Model { SpecificationVersion = spec.SpecificationVersion, Description = new ModelDescription() };
            if (description.Metadata is not null) sub.Description.Metadata = description.Metadata.Clone();
            foreach (var name in part.Inputs)
                sub.Description.Input.Add(FeatureDescriptions.Original(description, name) is { } f && inputs.Contains(name)
                    ? f : shapes.Describe(name));
            foreach (var name in part.Outputs)
            {
                var original = description.Output.FirstOrDefault(o => o.Name == name)?.Clone();
                var crosses = parts.Skip(part.Index + 1).Any(p => p.Inputs.Contains(name));
                sub.Description.Output.Add(original is null ? shapes.Describe(name)
                    : crosses ? FeatureDescriptions.WithShape(original, shapes.Declared(name)) : original);
            }
            var layers = part.Units.Select(i => body.Layers[i].Clone()).ToList();
            var preprocessing = body.Preprocessing.Where(p => part.Inputs.Contains(p.FeatureName) || p.FeatureName.Length == 0 && part.Index == 0).Select(p => p.Clone());
            if (last && spec.TypeCase == Model.TypeOneofCase.NeuralNetworkClassifier)
            {
                var c = spec.NeuralNetworkClassifier.Clone();
                c.Layers.Clear(); c.Layers.AddRange(layers);
                c.Preprocessing.Clear(); c.Preprocessing.AddRange(preprocessing);
                sub.NeuralNetworkClassifier = c;
                sub.Description.PredictedFeatureName = description.PredictedFeatureName;
                sub.Description.PredictedProbabilitiesName = description.PredictedProbabilitiesName;
            }
            else if (last && spec.TypeCase == Model.TypeOneofCase.NeuralNetworkRegressor)
            {
                var r = spec.NeuralNetworkRegressor.Clone();
                r.Layers.Clear(); r.Layers.AddRange(layers);
                r.Preprocessing.Clear(); r.Preprocessing.AddRange(preprocessing);
                sub.NeuralNetworkRegressor = r;
                sub.Description.PredictedFeatureName = description.PredictedFeatureName;
            }
            else
            {
                var nn = new NeuralNetwork { ArrayInputShapeMapping = body.Mapping, ImageInputShapeMapping = body.ImageMapping };
                nn.Layers.AddRange(layers);
                nn.Preprocessing.AddRange(preprocessing);
                sub.NeuralNetwork = nn;
            }
            result.Add(new SubModel(part.Index, part.Label, sub, part.Inputs, part.Outputs, Array.Empty<BlobCopy>()));
        }
        return result;
    }

    private static CutUnit Unit(int index, NeuralNetworkLayer layer, Planning.Device? device)
    {
        var reads = new List<string>();
        var writes = new List<string>();
        var defined = new HashSet<string>(StringComparer.Ordinal);
        Walk(layer, reads, writes, defined);
        var constant = layer.LayerCase is L.LoadConstant or L.LoadConstantND && layer.Input.Count == 0;
        var hasBlocks = layer.LayerCase is L.Branch or L.Loop;
        return new CutUnit(index, layer.Name, reads, writes, device, constant, hasBlocks);
    }

    /// <summary>Reads (not written earlier inside the layer) and writes of a layer and its nested networks, in order.
    /// Nested networks write into the enclosing scope, so their outputs count as the layer's.</summary>
    private static void Walk(NeuralNetworkLayer layer, List<string> reads, List<string> writes, HashSet<string> defined)
    {
        foreach (var i in layer.Input) if (!defined.Contains(i) && !reads.Contains(i)) reads.Add(i);
        IEnumerable<NeuralNetwork> nested = layer.LayerCase switch
        {
            L.Branch => new[] { layer.Branch.IfBranch, layer.Branch.ElseBranch }.Where(n => n is not null),
            L.Loop => new[] { layer.Loop.ConditionNetwork, layer.Loop.BodyNetwork }.Where(n => n is not null),
            _ => Array.Empty<NeuralNetwork>(),
        };
        foreach (var net in nested)
            foreach (var inner in net.Layers)
                Walk(inner, reads, writes, defined);
        if (layer.LayerCase == L.Loop && layer.Loop.ConditionVar is { Length: > 0 } cv && !defined.Contains(cv) && !reads.Contains(cv))
            reads.Add(cv);
        foreach (var o in layer.Output) { if (!writes.Contains(o)) writes.Add(o); defined.Add(o); }
    }

    /// <summary>
    /// The declared shape of a boundary tensor: from the decoder's shape inference when known, else measured by
    /// running the original model through the evaluator (with the caller's custom layer kernels), else the user's
    /// --boundary-shape; otherwise the split is refused.
    /// </summary>
    private sealed class BoundaryShapes(LoadedModel model, NeuralNetworkMultiArrayShapeMapping mapping, PlacementLookup placement, SplitOptions options)
    {
        private Dictionary<string, Tensor>? _measured;
        private readonly HashSet<string> _varying = new(StringComparer.Ordinal);

        /// <summary>An fp32 multi-array description; a shape measured at the default shape of flexible inputs may
        /// differ at prediction time, so it is declared with unbounded ranges around the measured default.</summary>
        public FeatureDescription Describe(string name)
        {
            var shape = Declared(name);
            var f = FeatureDescriptions.MultiArray(name, shape, ArrayFeatureType.Types.ArrayDataType.Float32);
            if (_varying.Contains(name))
            {
                var range = new ArrayFeatureType.Types.ShapeRange();
                foreach (var _ in shape) range.SizeRanges.Add(new SizeRange { LowerBound = 1, UpperBound = -1 });
                f.Type.MultiArrayType.ShapeRange = range;
            }
            return f;
        }

        public long[] Declared(string name)
        {
            if (options.BoundaryShapes.TryGetValue(name, out var given)) return given;
            // With a flexible input, inferred (at its default size) and measured shapes alike may change at prediction time.
            var inferred = placement.TypeOf(name)?.Shape.Sizes;
            if (FlexibleInputs()) _varying.Add(name);
            var internalShape = inferred ?? Measure(name);
            if (internalShape is null)
                throw new SplitRefusedException($"the shape of '{name}', which crosses the cut, is unknown (not inferable, and the evaluator cannot run up to it); give it with --boundary-shape {name}=DIMS");
            if (mapping == NeuralNetworkMultiArrayShapeMapping.ExactArrayMapping) return internalShape;
            return internalShape.Length switch
            {
                4 when internalShape[0] == 1 => internalShape[1..],
                4 => new[] { internalShape[0], 1, internalShape[1], internalShape[2], internalShape[3] },
                _ => throw new SplitRefusedException($"'{name}' crosses the cut with rank {internalShape.Length}, which a RANK5-mapped NeuralNetwork input cannot take"),
            };
        }

        private bool FlexibleInputs() => model.Spec.Description.Input.Any(i =>
            i.Type.MultiArrayType is { } a && a.ShapeFlexibilityCase != ArrayFeatureType.ShapeFlexibilityOneofCase.None
            || i.Type.ImageType is { } m && m.SizeFlexibilityCase != ImageFeatureType.SizeFlexibilityOneofCase.None);

        private long[]? Measure(string name)
        {
            if (_measured is null)
            {
                _measured = new Dictionary<string, Tensor>(StringComparer.Ordinal);
                try
                {
                    var spec = model.Spec;
                    var (layers, pre) = spec.TypeCase switch
                    {
                        Model.TypeOneofCase.NeuralNetworkClassifier => (spec.NeuralNetworkClassifier.Layers, spec.NeuralNetworkClassifier.Preprocessing),
                        Model.TypeOneofCase.NeuralNetworkRegressor => (spec.NeuralNetworkRegressor.Layers, spec.NeuralNetworkRegressor.Preprocessing),
                        _ => (spec.NeuralNetwork.Layers, spec.NeuralNetwork.Preprocessing),
                    };
                    var inputs = RandomInputs.For(spec.Description, 1);
                    foreach (var f in spec.Description.Input)
                        _measured[f.Name] = NeuralNetworkShapes.ToInternal(f, inputs[f.Name], mapping, pre);
                    new NeuralNetworkEvaluator(options.Evaluation).Run(layers, _measured);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // Keep whatever was computed before the evaluator stopped.
                }
            }
            return _measured.TryGetValue(name, out var t) ? t.Shape.Select(d => (long)d).ToArray() : null;
        }
    }
}
