using System.Text.Json;
using AneCompat.Decoders.Json;
using AneCompat.Diagnostics;
using AneCompat.Graph;

namespace AneCompat.Decoders.Compiled;

/// <summary>The summary Xcode's compiler writes into a compiled model's <c>metadata.json</c>.</summary>
public sealed class CompiledMetadata
{
    public int? SpecificationVersion { get; init; }
    /// <summary>As written, e.g. <c>MLModelType_mlProgram</c>.</summary>
    public string? ModelTypeName { get; init; }
    /// <summary>"mlProgramOperationTypeHistogram" or "neuralNetworkLayerTypeHistogram", whichever the file has.</summary>
    public string? HistogramKey { get; init; }
    /// <summary>Op (layer) type → count, with the compiler's names (<c>Ios16.mul</c>, <c>Convolution</c>).</summary>
    public IReadOnlyDictionary<string, long> OpHistogram { get; init; } = new Dictionary<string, long>();
    public string? ComputePrecision { get; init; }
    public string? StoragePrecision { get; init; }
    public bool? IsUpdatable { get; init; }
    /// <summary>Minimum OS per platform (macOS, iOS, …).</summary>
    public IReadOnlyDictionary<string, string> Availability { get; init; } = new Dictionary<string, string>();
    /// <summary>userDefinedMetadata plus author, license, version and description under the keys DescriptionDecoder uses.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    public ModelInterface Interface { get; init; } = new();
}

/// <summary>
/// Reads <c>metadata.json</c> (formats.md d.4): a JSON array holding one object. Every field is optional; the file is a
/// summary, so coremldata.bin's description wins when both exist.
/// </summary>
public static class CompiledMetadataDecoder
{
    public static CompiledMetadata Read(string path)
    {
        using var doc = BoundedJson.Load(path, Limits.MaxMetadataJsonBytes, "metadata.json");
        var root = doc.RootElement;
        var obj = root.ValueKind switch
        {
            JsonValueKind.Array when root.GetArrayLength() > 0 && root[0].ValueKind == JsonValueKind.Object => root[0],
            JsonValueKind.Object => root,
            _ => throw new ModelReadException(path, "metadata.json is not an array holding a model summary object"),
        };

        var histogramKey = new[] { "mlProgramOperationTypeHistogram", "neuralNetworkLayerTypeHistogram" }
            .FirstOrDefault(k => obj.TryGetProperty(k, out var h) && h.ValueKind == JsonValueKind.Object);
        var histogram = new Dictionary<string, long>(StringComparer.Ordinal);
        if (histogramKey is not null)
            foreach (var entry in obj.GetProperty(histogramKey).EnumerateObject())
                if (BoundedJson.Long(obj.GetProperty(histogramKey), entry.Name) is { } count) histogram[entry.Name] = count;

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (jsonKey, key) in new[] { ("author", "author"), ("license", "license"), ("version", "version"), ("shortDescription", "description") })
            if (BoundedJson.String(obj, jsonKey) is { Length: > 0 } v) metadata[key] = v;
        foreach (var kv in StringMap(obj, "userDefinedMetadata")) metadata[kv.Key] = kv.Value;

        var iface = new ModelInterface();
        iface.Inputs.AddRange(Features(path, obj, "inputSchema", FeatureKind.MultiArray));
        iface.Outputs.AddRange(Features(path, obj, "outputSchema", FeatureKind.MultiArray));
        iface.States.AddRange(Features(path, obj, "stateSchema", FeatureKind.State));

        var spec = BoundedJson.Long(obj, "specificationVersion");
        return new CompiledMetadata
        {
            SpecificationVersion = spec is >= 0 and <= int.MaxValue ? (int)spec : null,
            ModelTypeName = obj.TryGetProperty("modelType", out var mt) ? BoundedJson.String(mt, "name") : null,
            HistogramKey = histogramKey,
            OpHistogram = histogram,
            ComputePrecision = BoundedJson.String(obj, "computePrecision"),
            StoragePrecision = BoundedJson.String(obj, "storagePrecision"),
            IsUpdatable = BoundedJson.Long(obj, "isUpdatable") is { } u ? u != 0 : null,
            Availability = StringMap(obj, "availability"),
            Metadata = metadata,
            Interface = iface,
        };
    }

    private static Dictionary<string, string> StringMap(JsonElement obj, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj.TryGetProperty(name, out var m) && m.ValueKind == JsonValueKind.Object)
            foreach (var p in m.EnumerateObject())
                if (BoundedJson.Text(p.Value) is { } v) map[p.Name] = v;
        return map;
    }

    private static IEnumerable<FeatureInfo> Features(string path, JsonElement obj, string name, FeatureKind defaultKind)
    {
        if (!obj.TryGetProperty(name, out var list) || list.ValueKind != JsonValueKind.Array) yield break;
        foreach (var e in list.EnumerateArray())
        {
            var featureName = BoundedJson.String(e, "name")
                ?? throw new ModelReadException(path, $"metadata.json: an entry of {name} has no name");
            var kind = defaultKind == FeatureKind.State ? FeatureKind.State : KindOf(BoundedJson.String(e, "type"));
            var shape = ParseShape(BoundedJson.String(e, "shape"));
            var flexible = BoundedJson.Long(e, "hasShapeFlexibility") == 1;
            var ranges = flexible ? ParseRanges(BoundedJson.String(e, "shapeRange")) : Array.Empty<(long, long?)>();
            var enumerated = flexible && ranges.Length == 0 ? ParseEnumerated(BoundedJson.String(e, "shapeFlexibility")) : Array.Empty<IReadOnlyList<long>>();
            var flexibility = !flexible ? ShapeFlexibility.Fixed
                : ranges.Any(r => r.Item2 is null) ? ShapeFlexibility.Unbounded
                : ranges.Length > 0 ? ShapeFlexibility.Ranged
                : enumerated.Length > 1 ? ShapeFlexibility.Enumerated
                : ShapeFlexibility.Fixed;
            yield return new FeatureInfo
            {
                Name = featureName,
                Kind = kind,
                Element = ElementOf(BoundedJson.String(e, "dataType"), kind),
                Shape = shape,
                Flexibility = flexibility,
                Ranges = ranges,
                EnumeratedShapes = enumerated,
                IsOptional = BoundedJson.Long(e, "isOptional") == 1,
                ColorSpace = kind == FeatureKind.Image ? BoundedJson.String(e, "colorSpace") : null,
            };
        }
    }

    private static FeatureKind KindOf(string? type) => type switch
    {
        "MultiArray" => FeatureKind.MultiArray,
        "Image" => FeatureKind.Image,
        "Int64" => FeatureKind.Int64,
        "Double" => FeatureKind.Double,
        "String" => FeatureKind.String,
        "Dictionary" => FeatureKind.Dictionary,
        "Sequence" => FeatureKind.Sequence,
        "State" => FeatureKind.State,
        _ => FeatureKind.Unknown,
    };

    private static ElementType ElementOf(string? dataType, FeatureKind kind) => dataType switch
    {
        "Float16" => ElementType.Float16,
        "Float32" => ElementType.Float32,
        "Double" or "Float64" => ElementType.Float64,
        "Int32" => ElementType.Int32,
        "Int8" => ElementType.Int8,
        _ => kind switch
        {
            FeatureKind.Int64 => ElementType.Int64,
            FeatureKind.Double => ElementType.Float64,
            FeatureKind.String => ElementType.String,
            _ => ElementType.Unknown,
        },
    };

    /// <summary>"[1, 10]" → [1, 10]; "[]" → empty.</summary>
    private static long[] ParseShape(string? text) => text is null ? Array.Empty<long>() : Numbers(text);

    /// <summary>"[[1, 1], [1, 2048], [1, -1]]" → per-axis (lower, upper), -1 = unbounded.</summary>
    private static (long, long?)[] ParseRanges(string? text)
    {
        if (text is null) return Array.Empty<(long, long?)>();
        var n = Numbers(text);
        if (n.Length % 2 != 0) return Array.Empty<(long, long?)>();
        return Enumerable.Range(0, n.Length / 2).Select(i => (n[2 * i], n[2 * i + 1] < 0 ? (long?)null : n[2 * i + 1])).ToArray();
    }

    /// <summary>
    /// Enumerated shapes appear in "shapeFlexibility" as alternatives separated by '|' ("1 × 3 × 224 × 224 | 1 × 3 × 512 × 512");
    /// inferred from the range spelling ("1 × 1...2048"), so a string without '|' yields nothing.
    /// </summary>
    private static IReadOnlyList<long>[] ParseEnumerated(string? text)
    {
        if (text is null || !text.Contains('|')) return Array.Empty<IReadOnlyList<long>>();
        return text.Split('|').Select(s => (IReadOnlyList<long>)Numbers(s)).Where(s => s.Count > 0).ToArray();
    }

    private static long[] Numbers(string text)
    {
        var result = new List<long>();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '-' || char.IsAsciiDigit(text[i]))
            {
                var start = i;
                i++;
                while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                if (long.TryParse(text.AsSpan(start, i - start), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var v))
                    result.Add(v);
            }
            else i++;
        }
        return result.ToArray();
    }
}
