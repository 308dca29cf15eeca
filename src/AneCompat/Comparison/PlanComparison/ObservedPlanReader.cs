using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using AneCompat.Planning;

namespace AneCompat.Comparison.PlanComparison;

/// <summary>
/// Reads Core ML's plan: the JSON document <c>anecompat plan-script</c> writes (docs/compute-plan.md), or the text
/// people paste from coremltools, one line per op in program order:
/// <c>op=matmul preferred=MLCPUComputeDevice supported=[MLCPU, MLGPU, MLNeuralEngine]</c>. Anything else is a
/// <see cref="PlanFormatException"/> naming the file and what is wrong.
/// </summary>
public static partial class ObservedPlanReader
{
    /// <summary>Plans are small text files; anything larger is not one.</summary>
    public const long MaxBytes = 64L << 20;

    public static ObservedPlan Read(string path)
    {
        string text;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new PlanFormatException($"{path}: no such plan file");
            if (info.Length > MaxBytes) throw new PlanFormatException($"{path}: {info.Length} bytes is too large for a compute plan (limit {MaxBytes})");
            text = File.ReadAllText(path);
        }
        catch (IOException e) { throw new PlanFormatException($"{path}: cannot read the plan: {e.Message}"); }
        catch (UnauthorizedAccessException e) { throw new PlanFormatException($"{path}: cannot read the plan: {e.Message}"); }
        return Parse(text, path);
    }

    public static ObservedPlan Parse(string text, string source)
    {
        var trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        var plan = trimmed.StartsWith('{') ? ParseJson(trimmed, source) : ParsePrintout(text, source);
        if (plan.Ops.Count == 0) throw new PlanFormatException($"{source}: the plan has no ops");
        return plan;
    }

    private static ObservedPlan ParseJson(string text, string source)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 }); }
        catch (JsonException e) { throw new PlanFormatException($"{source}: not valid JSON: {e.Message.ReplaceLineEndings(" ")}"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("ops", out var ops) || ops.ValueKind != JsonValueKind.Array)
                throw new PlanFormatException($"{source}: a compute plan is a JSON object with an \"ops\" array (docs/compute-plan.md)");
            var list = new List<ObservedOp>();
            foreach (var op in ops.EnumerateArray())
            {
                var where = $"{source}: ops[{list.Count}]";
                if (op.ValueKind != JsonValueKind.Object) throw new PlanFormatException($"{where} is not an object");
                var type = String(op, "type", where) ?? throw new PlanFormatException($"{where} has no \"type\"");
                var preferred = String(op, "preferred", where) is { } p ? ParseDevice(p, where) : (Device?)null;
                var supported = new List<Device>();
                if (op.TryGetProperty("supported", out var s) && s.ValueKind != JsonValueKind.Null)
                {
                    if (s.ValueKind != JsonValueKind.Array) throw new PlanFormatException($"{where}: \"supported\" is not an array");
                    foreach (var d in s.EnumerateArray())
                        supported.Add(d.ValueKind == JsonValueKind.String ? ParseDevice(d.GetString()!, where) : throw new PlanFormatException($"{where}: a supported device is not a string"));
                }
                double? cost = null;
                if (op.TryGetProperty("cost", out var c) && c.ValueKind != JsonValueKind.Null)
                {
                    if (c.ValueKind != JsonValueKind.Number || !c.TryGetDouble(out var v) || !double.IsFinite(v) || v < 0)
                        throw new PlanFormatException($"{where}: \"cost\" is not a finite number ≥ 0");
                    cost = v;
                }
                list.Add(new ObservedOp(list.Count, String(op, "function", where), String(op, "name", where), NormalizeType(type), preferred, supported, cost));
            }
            return new ObservedPlan(source, String(root, "computeUnits", source), String(root, "os", source), String(root, "chip", source), String(root, "model", source), list);
        }
    }

    private static string? String(JsonElement e, string name, string where)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw new PlanFormatException($"{where}: \"{name}\" is not a string");
    }

    [GeneratedRegex(@"^\s*op=(?<type>\S+)(?:\s+name=(?<name>\S+))?\s+preferred=(?<preferred>\S+)\s+supported=\[(?<supported>[^\]]*)\](?:\s+cost=(?<cost>\S+))?\s*$")]
    private static partial Regex PrintoutLine();

    private static ObservedPlan ParsePrintout(string text, string source)
    {
        var list = new List<ObservedOp>();
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#')) continue;
            var m = PrintoutLine().Match(line);
            var where = $"{source}: line {lineNumber}";
            if (!m.Success)
                throw new PlanFormatException($"{where}: neither the plan JSON nor a printout line 'op=TYPE preferred=DEVICE supported=[DEVICE, …]'");
            var preferred = m.Groups["preferred"].Value is "None" or "none" or "null" ? (Device?)null : ParseDevice(m.Groups["preferred"].Value, where);
            var supported = m.Groups["supported"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(d => ParseDevice(d, where)).ToList();
            double? cost = null;
            if (m.Groups["cost"].Success)
                cost = double.TryParse(m.Groups["cost"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v >= 0
                    ? v : throw new PlanFormatException($"{where}: cost '{m.Groups["cost"].Value}' is not a finite number ≥ 0");
            list.Add(new ObservedOp(list.Count, null, m.Groups["name"].Success ? m.Groups["name"].Value : null, NormalizeType(m.Groups["type"].Value), preferred, supported, cost));
        }
        return new ObservedPlan(source, null, null, null, null, list);
    }

    /// <summary>Device spellings of MLComputePlan, coremltools and this tool: MLCPUComputeDevice, MLCPU, cpu; MLNeuralEngine…, ane, ne; MLGPU…, gpu.</summary>
    public static Device ParseDevice(string text, string where)
    {
        var t = text.Trim().Trim('\'', '"').ToLowerInvariant().Replace("computedevice", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        if (t.StartsWith("ml", StringComparison.Ordinal)) t = t[2..];
        return t switch
        {
            "cpu" => Device.Cpu,
            "gpu" => Device.Gpu,
            "ane" or "ne" or "neuralengine" => Device.Ane,
            _ => throw new PlanFormatException($"{where}: unknown compute device '{text}' (expected CPU, GPU or NeuralEngine)"),
        };
    }

    /// <summary>Drops the opset prefix of MLComputePlan's operator names (<c>ios16.matmul</c>).</summary>
    public static string NormalizeType(string type)
    {
        var dot = type.LastIndexOf('.');
        return dot >= 0 ? type[(dot + 1)..] : type;
    }
}
