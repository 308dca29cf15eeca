using System.Text.Encodings.Web;
using System.Text.Json;
using AneCompat.Planning;
using AneCompat.Rules;

namespace AneCompat.Reporting;

/// <summary>
/// <c>--format json</c>: the report as versioned JSON with camelCase names. The shape is documented in
/// docs/report-schema.md and docs/report-schema.json; bump <see cref="SchemaVersion"/> on any incompatible change.
/// A folder of models is one document whose <c>models</c> array holds each model's report object exactly as written
/// for a single model (<c>$defs/folderReport</c> in the schema).
/// </summary>
public static class JsonReportWriter
{
    /// <summary>2: segments' typed <c>inputTensors</c>/<c>outputTensors</c> and ops' <c>origin</c> added; every field of 1 kept.</summary>
    public const int SchemaVersion = 2;

    public static void Write(Report report, Stream stream, bool indented = true) =>
        Write(report, stream, indented, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);

    /// <summary>With <see cref="JavaScriptEncoder.Default"/>, &lt; &gt; &amp; are escaped so the JSON can sit inside an HTML script element.</summary>
    internal static void Write(Report report, Stream stream, bool indented, JavaScriptEncoder encoder)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, Encoder = encoder });
        WriteReport(w, report);
    }

    public static string ToJson(Report report, bool indented = true)
    {
        using var ms = new MemoryStream();
        Write(report, ms, indented);
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>The folder document: shared target and settings, every readable model's report, the unreadable ones and a summary.</summary>
    public static void Write(FolderReport folder, Stream stream, bool indented = true)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        WriteFolder(w, folder);
    }

    /// <summary><c>--target all</c>: the default target's report with a <c>targets</c> array holding every chip's result.</summary>
    public static void Write(Report report, TargetMatrix targets, Stream stream, bool indented = true)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        WriteReport(w, report, targets);
    }

    internal static void WriteFolder(Utf8JsonWriter w, FolderReport folder)
    {
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", SchemaVersion);
        WriteTool(w, ReportBuilder.ToolVersion);
        w.WriteString("folder", folder.Folder);
        WriteTarget(w, folder.Target);
        w.WriteString("computeUnits", folder.ComputeUnits.ToName());
        w.WriteStartArray("models");
        foreach (var r in folder.Models) WriteReport(w, r);
        w.WriteEndArray();
        w.WriteStartArray("unreadable");
        foreach (var u in folder.Unreadable)
        {
            w.WriteStartObject();
            w.WriteString("path", u.Path);
            w.WriteString("error", u.Error);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("summary");
        w.WriteNumber("fullyCompatible", folder.CountWith(CompatibilityStatus.FullyCompatible));
        w.WriteNumber("partial", folder.CountWith(CompatibilityStatus.Partial));
        w.WriteNumber("notCompatible", folder.CountWith(CompatibilityStatus.NotCompatible));
        w.WriteNumber("unreadable", folder.Unreadable.Count);
        w.WriteNumber("worstExitCode", folder.WorstExitCode);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>One model's report object, written into <paramref name="w"/> as a document of its own or an array element.</summary>
    internal static void WriteReport(Utf8JsonWriter w, Report r, TargetMatrix? targets = null)
    {
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", SchemaVersion);
        WriteTool(w, r.ToolVersion);

        w.WriteStartObject("model");
        w.WriteString("path", r.Model.Path);
        w.WriteString("container", r.Model.Container);
        w.WriteString("modelType", r.Model.ModelType);
        w.WriteNumber("specificationVersion", r.Model.SpecificationVersion);
        w.WriteNumber("opCount", r.Model.OpCount);
        w.WriteNumber("weightBytes", r.Model.WeightBytes);
        w.WriteStartArray("members");
        foreach (var m in r.Model.Members)
        {
            w.WriteStartObject();
            w.WriteString("path", m.Path);
            w.WriteString("modelType", m.ModelType);
            w.WriteString("family", m.Family);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();

        WriteTarget(w, r.Target);
        w.WriteString("computeUnits", r.ComputeUnits.ToName());
        w.WriteStartObject("status");
        w.WriteNumber("code", (int)r.Status);
        w.WriteString("name", r.Status.ToName());
        w.WriteEndObject();
        w.WriteStringOrNull("statusReason", r.StatusReason);
        WriteShare(w, "eligibility", r.Eligibility);
        WriteShare(w, "placement", r.Placement);

        w.WriteStartObject("counts");
        w.WriteNumber("ops", r.Counts.Ops);
        w.WriteNumber("computeOps", r.Counts.ComputeOps);
        w.WriteNumber("foldedOps", r.Counts.FoldedOps);
        w.WriteNumber("hostOps", r.Counts.HostOps);
        w.WriteNumber("aneOps", r.Counts.AneOps);
        w.WriteNumber("cpuOps", r.Counts.CpuOps);
        w.WriteNumber("gpuOps", r.Counts.GpuOps);
        w.WriteNumber("findings", r.Counts.Findings);
        w.WriteNumber("segments", r.Counts.Segments);
        w.WriteEndObject();

        w.WriteStartObject("switchCost");
        w.WriteNumber("switches", r.Switches);
        w.WriteNumber("msPerBoundary", PlacementHeuristics.BoundaryCostMs);
        JsonNumbers.Write(w, "estimatedMs", Math.Round(r.EstimatedSwitchMs, 3));
        w.WriteNumber("copyBytes", r.CopyBytes);
        w.WriteEndObject();

        w.WriteStartArray("segments");
        foreach (var s in r.Segments) WriteSegment(w, s);
        w.WriteEndArray();

        var regionIndex = new Dictionary<RegionEstimate, int>(ReferenceEqualityComparer.Instance);
        w.WriteStartArray("placementRegions");
        foreach (var region in r.Regions)
        {
            regionIndex[region] = regionIndex.Count;
            PlacementRegionJson.Write(w, region);
        }
        w.WriteEndArray();

        w.WriteStartArray("ops");
        foreach (var o in r.Ops)
        {
            WriteOp(w, o, o.Region is { } g && regionIndex.TryGetValue(g, out var i) ? i : null);
            JsonNumbers.FlushWhenFull(w);
        }
        w.WriteEndArray();

        w.WriteStartArray("modelFindings");
        foreach (var f in r.ModelFindings) WriteFinding(w, f);
        w.WriteEndArray();

        w.WriteStartArray("rules");
        foreach (var rule in r.Rules)
        {
            w.WriteStartObject();
            w.WriteString("ruleId", rule.RuleId);
            w.WriteString("effect", ReportNames.EffectName(rule.Effect));
            w.WriteString("confidence", rule.Confidence.Label());
            w.WriteNumber("count", rule.Count);
            w.WriteStartArray("opIndices");
            foreach (var i in rule.OpIndices) w.WriteNumberValue(i);
            w.WriteEndArray();
            w.WriteString("message", rule.Message);
            w.WriteStringOrNull("fix", rule.Fix);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStrings("notes", r.Notes);

        ReadWarningJson.Write(w, r.Warnings);
        if (targets is not null) WriteTargets(w, targets);
        w.WriteEndObject();
    }

    /// <summary>The chip × status matrix of <c>--target all</c>: one entry per chip profile.</summary>
    private static void WriteTargets(Utf8JsonWriter w, TargetMatrix matrix)
    {
        w.WriteStartArray("targets");
        foreach (var row in matrix.Rows)
        {
            var r = row.Report;
            w.WriteStartObject();
            WriteTarget(w, r.Target);
            w.WriteStartObject("status");
            w.WriteNumber("code", (int)r.Status);
            w.WriteString("name", r.Status.ToName());
            w.WriteEndObject();
            WriteShare(w, "eligibility", r.Eligibility);
            WriteShare(w, "placement", r.Placement);
            w.WriteStrings("rules", row.Rules);
            w.WriteStrings("differingRules", row.DifferingRules);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteTool(Utf8JsonWriter w, string version)
    {
        w.WriteStartObject("tool");
        w.WriteString("name", "anecompat");
        w.WriteString("version", version);
        w.WriteEndObject();
    }

    private static void WriteTarget(Utf8JsonWriter w, Targets.ChipProfile target)
    {
        w.WriteStartObject("target");
        w.WriteString("name", target.Name);
        w.WriteString("deviceClass", target.Device == Targets.DeviceClass.Mac ? "mac" : "iphone");
        w.WriteString("aneGeneration", target.Generation.ToString().ToLowerInvariant());
        w.WriteNumber("aneCores", target.AneCores);
        w.WriteEndObject();
    }

    private static void WriteShare(Utf8JsonWriter w, string name, Share s)
    {
        w.WriteStartObject(name);
        w.WriteNumber("ops", s.Ops);
        w.WriteNumber("ofOps", s.OfOps);
        w.WriteNumberOrNull("opsFraction", s.OpsFraction is double f ? Math.Round(f, 6) : null);
        w.WriteNumber("flops", s.Flops);
        w.WriteNumber("ofFlops", s.OfFlops);
        w.WriteNumberOrNull("flopsFraction", s.FlopsFraction is double g ? Math.Round(g, 6) : null);
        w.WriteEndObject();
    }

    private static void WriteSegment(Utf8JsonWriter w, Segment s)
    {
        w.WriteStartObject();
        w.WriteNumber("index", s.Index);
        w.WriteString("device", s.Device.ToName());
        w.WriteString("function", s.Function);
        w.WriteStringOrNull("member", s.Member);
        w.WriteNumberOrNull("firstOp", s.FirstOp);
        w.WriteNumberOrNull("lastOp", s.LastOp);
        w.WriteNumber("opCount", s.OpCount);
        w.WriteNumberOrNull("flops", s.Flops);
        w.WriteStartArray("inputs");
        foreach (var t in s.Inputs)
        {
            w.WriteStartObject();
            w.WriteString("name", t.Name);
            w.WriteNumber("fromSegment", t.FromSegment);
            w.WriteNumberOrNull("bytes", t.Bytes);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("copyBytes", s.CopyBytes);
        SegmentInterfaceJson.Write(w, s);
        w.WriteEndObject();
    }

    private static void WriteOp(Utf8JsonWriter w, ReportOp o, int? region)
    {
        w.WriteStartObject();
        w.WriteNumber("index", o.Index);
        w.WriteString("kind", o.Kind);
        w.WriteString("source", o.Source);
        w.WriteStringOrNull("name", o.Name);
        w.WriteString("function", o.Function);
        w.WriteStrings("outputs", o.Outputs);
        w.WriteStartArray("inputs");
        foreach (var i in o.Inputs)
        {
            w.WriteStartObject();
            w.WriteString("name", i.Name);
            w.WriteString("type", i.Type);
            w.WriteNumberOrNull("from", i.From);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumberOrNull("parent", o.Parent);
        OpOriginJson.Write(w, o.Origin, o.SourceLine);
        w.WriteString("role", o.Role.ToName());
        w.WriteBoolean("eligible", o.Eligible);
        if (o.Device is { } d) w.WriteString("device", d.ToName()); else w.WriteNull("device");
        w.WriteString("reason", o.Reason);
        w.WriteStringOrNull("reasonRule", o.ReasonRule);
        w.WriteNumberOrNull("segment", o.Segment);
        w.WriteStartObject("cost");
        w.WriteNumberOrNull("flops", o.Cost.Flops);
        w.WriteNumber("weightBytes", o.Cost.WeightBytes);
        w.WriteNumberOrNull("activationBytes", o.Cost.ActivationBytes);
        w.WriteEndObject();
        w.WriteNumberOrNull("placementRegion", region);
        w.WriteStringOrNull("placementConfidence", o.Region is { } g ? PlacementRegionJson.ConfidenceName(g.Confidence) : null);
        w.WriteStartArray("findings");
        foreach (var f in o.Findings) WriteFinding(w, f);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    internal static void WriteFinding(Utf8JsonWriter w, Finding f)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", f.RuleId);
        w.WriteNumberOrNull("opIndex", f.OpIndex);
        w.WriteString("effect", ReportNames.EffectName(f.Effect));
        w.WriteBoolean("blocksAne", f.BlocksAne);
        w.WriteString("confidence", f.Confidence.Label());
        w.WriteStrings("sources", f.Sources);
        w.WriteString("message", f.Message);
        w.WriteStringOrNull("fix", f.Fix);
        w.WriteEndObject();
    }

}
