using System.Text.Json;
using AneCompat.Decoders.Json;
using AneCompat.Diagnostics;
using AneCompat.Graph;

namespace AneCompat.Decoders.Espresso;

/// <summary>
/// Decodes a compiled NeuralNetwork: <c>model.espresso.net</c> (layers, formats.md d.6), <c>model.espresso.shape</c> (blob
/// shapes, d.7) and the blob table of the weights file (d.8) into one function "main" with one op per layer.
/// </summary>
public static class EspressoNetDecoder
{
    public const string NetFile = "model.espresso.net";
    public const string ShapeFile = "model.espresso.shape";
    private const string DefaultWeightsFile = "model.espresso.weights";

    /// <param name="dir">The folder holding the espresso files (weights and shapes are looked up beside the net).</param>
    /// <param name="functionPrefix">Pipeline member path + "/", or "".</param>
    public static GraphFunction Decode(string dir, List<ReadWarning> warnings, string functionPrefix)
    {
        var netPath = Path.Combine(dir, NetFile);
        // Layers are counted while the bytes are scanned, before the document holding them is built.
        using var doc = BoundedJson.Load(netPath, Limits.MaxEspressoJsonBytes, NetFile, "layers", Limits.MaxOps);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("layers", out var layers) || layers.ValueKind != JsonValueKind.Array)
            throw new ModelReadException(netPath, "model.espresso.net has no 'layers' array");

        var shapes = ReadShapes(dir, warnings);
        var blobSizes = ReadWeightTable(dir, BoundedJson.String(root, "storage"), warnings);

        var function = new GraphFunction { Name = "main" };
        var markedOutputs = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var layer in layers.EnumerateArray())
        {
            if (layer.ValueKind != JsonValueKind.Object)
                throw new ModelReadException(netPath, $"model.espresso.net: layer {index} is not an object");
            var type = BoundedJson.String(layer, "type");
            if (string.IsNullOrEmpty(type))
                throw new ModelReadException(netPath, $"model.espresso.net: layer {index} has no 'type'");
            var op = EspressoLayerDecoder.ToOp(layer, type, shapes, blobSizes, functionPrefix + "main");
            op.Origin = new OpOrigin(OpSourceFormat.Espresso, OpOrigin.MemberOf(functionPrefix), "main", Array.Empty<OriginStep>(), index, op.Name);
            function.Body.Ops.Add(op);
            if (EspressoLayerDecoder.IsMarkedOutput(layer))
                markedOutputs.UnionWith(EspressoLayerDecoder.Blobs(layer, "top"));
            index++;
        }
        WireSignature(function, shapes, markedOutputs);
        return function;
    }

    private static Dictionary<string, TensorShape> ReadShapes(string dir, List<ReadWarning> warnings)
    {
        var path = Path.Combine(dir, ShapeFile);
        if (ModelFiles.Exists(path)) return EspressoShapes.Read(path);
        warnings.Add(new ReadWarning("espresso-shape-missing", $"{path} is missing: blob shapes are unknown"));
        return new Dictionary<string, TensorShape>(StringComparer.Ordinal);
    }

    /// <returns>Blob id → size, or null when there is no weights file (then every op's WeightBytes stays 0).</returns>
    private static Dictionary<ulong, long>? ReadWeightTable(string dir, string? storage, List<ReadWarning> warnings)
    {
        var path = PathConfinement.Resolve(dir, string.IsNullOrEmpty(storage) ? DefaultWeightsFile : storage, "espresso 'storage'");
        if (ModelFiles.Exists(path)) return EspressoWeightsTable.Read(path, warnings);
        warnings.Add(new ReadWarning("espresso-weights-missing", $"{path} is missing: weight sizes are unknown (the graph is complete, but Core ML could not load this model)"));
        return null;
    }

    /// <summary>
    /// Function inputs are the blobs some layer reads but none writes; outputs are the blobs written but never read, plus
    /// those of layers marked <c>attributes.is_output</c>, in the order the layers name them.
    /// </summary>
    private static void WireSignature(GraphFunction function, Dictionary<string, TensorShape> shapes, HashSet<string> markedOutputs)
    {
        var produced = new HashSet<string>(StringComparer.Ordinal);
        var consumed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var op in function.Body.Ops)
        {
            foreach (var arg in op.AllArguments)
                if (arg.Name is { } name && !produced.Contains(name) && consumed.Add(name))
                    function.Inputs.Add(new GraphValue(name, EspressoLayerDecoder.BlobType(name, shapes)));
            foreach (var o in op.Outputs) produced.Add(o.Name);
        }
        var read = function.Body.Ops.SelectMany(o => o.AllArguments).Select(a => a.Name).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var op in function.Body.Ops)
            foreach (var o in op.Outputs)
                if ((!read.Contains(o.Name) || markedOutputs.Contains(o.Name)) && !function.Body.Outputs.Contains(o.Name))
                    function.Body.Outputs.Add(o.Name);
    }
}
