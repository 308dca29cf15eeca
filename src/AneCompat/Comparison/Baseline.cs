using System.Text.Encodings.Web;
using System.Text.Json;
using AneCompat.Diagnostics;
using AneCompat.Reporting;

namespace AneCompat.Comparison;

/// <summary>
/// Findings already known, so that a CI gate fails only on new ones (<c>anecompat baseline MODEL… -o FILE</c> writes
/// it, <c>--baseline FILE</c> reads it). A JSON document, sorted so that it diffs well under version control:
/// <code>
/// { "anecompatBaseline": 1, "target": "A17Pro", "computeUnits": "all",
///   "findings": [ { "model": "Models/Net.mlpackage", "rule": "CONV-KW", "op": "conv_3", "count": 1 } ] }
/// </code>
/// A finding is known when a baseline entry has the same model (path relative to the baseline file's folder), rule and op
/// name; <c>count</c> is how many such findings are known (a second one on the same op is new).
/// </summary>
public sealed class Baseline
{
    public const int FormatVersion = 1;

    /// <summary>A baseline file larger than this is refused (a hand-edited or wrong file, not a baseline).</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    private readonly Dictionary<FindingKey, int> _known;

    public string Target { get; }
    public string ComputeUnits { get; }

    public Baseline(string target, string computeUnits, IEnumerable<FindingKey> findings)
    {
        Target = target;
        ComputeUnits = computeUnits;
        _known = findings.GroupBy(k => k).ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>The baseline of every finding of these reports, models named relative to <paramref name="baseDir"/>.</summary>
    public static Baseline Of(IReadOnlyList<Report> reports, string baseDir, string target, string computeUnits) =>
        new(target, computeUnits, reports.SelectMany(r => FindingKey.Of(r, FindingKey.ModelKey(r.Model.Path, baseDir))));

    public int Count => _known.Values.Sum();

    /// <summary>
    /// The findings of <paramref name="keys"/> that the baseline does not know: per key, those beyond its known count.
    /// </summary>
    public List<FindingKey> NewFindings(IEnumerable<FindingKey> keys)
    {
        var left = new Dictionary<FindingKey, int>(_known);
        var fresh = new List<FindingKey>();
        foreach (var k in keys)
        {
            if (left.TryGetValue(k, out var n) && n > 0) left[k] = n - 1;
            else fresh.Add(k);
        }
        return fresh;
    }

    public void Write(Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteNumber("anecompatBaseline", FormatVersion);
        w.WriteString("target", Target);
        w.WriteString("computeUnits", ComputeUnits);
        w.WriteStartArray("findings");
        foreach (var (key, count) in _known.OrderBy(kv => kv.Key))
        {
            w.WriteStartObject();
            w.WriteString("model", key.Model);
            w.WriteString("rule", key.RuleId);
            w.WriteString("op", key.Op);
            w.WriteNumber("count", count);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Reads a baseline file; anything else is a <see cref="ModelReadException"/> naming the file and the problem.</summary>
    public static Baseline Read(string path)
    {
        byte[] bytes;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > MaxBytes) throw new ModelReadException(path, $"baseline is {length} bytes, over the limit of {MaxBytes}");
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException) { throw new ModelReadException(path, "baseline file not found (write one with: anecompat baseline MODEL… -o FILE)"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ModelReadException(path, $"cannot read baseline: {e.Message}"); }
        try
        {
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = Limits.MaxJsonDepth });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("anecompatBaseline", out var version) || version.ValueKind != JsonValueKind.Number)
                throw new ModelReadException(path, "not an anecompat baseline (no \"anecompatBaseline\" version)");
            if (version.GetInt32() != FormatVersion)
                throw new ModelReadException(path, $"baseline format {version.GetInt32()} is not supported (this version reads {FormatVersion})");
            var findings = new List<FindingKey>();
            if (!root.TryGetProperty("findings", out var list) || list.ValueKind != JsonValueKind.Array)
                throw new ModelReadException(path, "baseline has no findings array");
            foreach (var e in list.EnumerateArray())
            {
                var model = Text(e, "model", path);
                var rule = Text(e, "rule", path);
                var op = e.TryGetProperty("op", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString()! : "";
                var count = e.TryGetProperty("count", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n) ? n : 1;
                if (count is < 1 or > 1_000_000) throw new ModelReadException(path, $"baseline count {count} for {rule} on {model} is out of range");
                for (var i = 0; i < count; i++) findings.Add(new FindingKey(model, rule, op));
            }
            return new Baseline(Optional(root, "target"), Optional(root, "computeUnits"), findings);
        }
        catch (JsonException e) { throw new ModelReadException(path, $"baseline is not valid JSON ({e.Message})"); }
        catch (InvalidOperationException e) { throw new ModelReadException(path, $"baseline entry has the wrong type ({e.Message})"); }
    }

    private static string Text(JsonElement e, string name, string path) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()! : throw new ModelReadException(path, $"baseline entry without a \"{name}\" string");

    private static string Optional(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
}
