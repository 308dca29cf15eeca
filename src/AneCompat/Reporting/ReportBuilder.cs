using System.Reflection;
using AneCompat.Graph;
using AneCompat.Planning;
using AneCompat.Rules;
using AneCompat.Targets;

namespace AneCompat.Reporting;

/// <summary>Runs rules → planner for a graph and assembles the <see cref="Report"/>.</summary>
public static class ReportBuilder
{
    private static string? s_toolVersion;

    /// <summary>This tool's version, read from the assembly on first use: a reflection lookup NativeAOT makes slowly,
    /// and the default text report never prints it.</summary>
    public static string ToolVersion => s_toolVersion ??=
        typeof(ReportBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>
    /// Rules → planner → report under the reader's contract: a failure caused by the model's values is a
    /// <see cref="Diagnostics.ModelReadException"/> naming the file (exit 3), not an internal error.
    /// </summary>
    public static Report Analyze(ModelGraph graph, ChipProfile target, ComputeUnits units) =>
        Diagnostics.PipelineGuard.Run(graph.SourcePath, $"analysis for {target.Name}",
            () => Build(RuleEngine.Default.Evaluate(graph, target), units));

    public static Report Build(Analysis analysis, ComputeUnits units) => Build(analysis, Planner.Predict(analysis, units));

    public static Report Build(Analysis analysis, Plan plan)
    {
        var graph = analysis.Graph;
        // One loop over the plan (a 100k-op program makes this the report's hot path): each op's view, and the counts.
        // What only renderers read (output texts, inputs, parents) waits in the details until one asks.
        var details = new ReportOpDetails(plan.Ops);
        var ops = new ReportOp[plan.Ops.Count];
        int compute = 0, folded = 0, host = 0, ane = 0, cpu = 0, gpu = 0;
        for (var i = 0; i < ops.Length; i++)
        {
            var p = plan.Ops[i];
            ops[i] = new ReportOp(p, i, details);
            switch (p.Role)
            {
                case OpRole.Folded: folded++; break;
                case OpRole.Host: host++; break;
                case OpRole.Compute:
                    compute++;
                    if (p.Device == Device.Ane) ane++;
                    else if (p.Device == Device.Cpu) cpu++;
                    else if (p.Device == Device.Gpu) gpu++;
                    break;
            }
        }
        var modelFindings = analysis.ModelLevel.ToArray();

        var counts = new ReportCounts(
            Ops: ops.Length,
            ComputeOps: compute,
            FoldedOps: folded,
            HostOps: host,
            AneOps: ane,
            CpuOps: cpu,
            GpuOps: gpu,
            Findings: analysis.Findings.Count,
            Segments: plan.Segments.Count);

        var model = new ReportModel(
            graph.SourcePath,
            graph.Container switch { ContainerKind.MlModel => "mlmodel", ContainerKind.MlPackage => "mlpackage", ContainerKind.MlModelC => "mlmodelc", _ => graph.Container.ToString() },
            graph.Root.ModelType,
            graph.Root.SpecificationVersion,
            ops.Length,
            graph.WeightBytes,
            graph.Root.SelfAndDescendants().Select(n => new ReportMember(n.Path, n.ModelType, n.Family.ToString())).ToArray());

        var warnings = graph.Warnings.ToArray();
        return new Report(model, analysis.Target, plan.ComputeUnits, plan.Status, plan.Eligibility, plan.Placement, counts,
            plan.Switches, plan.EstimatedSwitchMs, plan.CopyBytes, plan.Segments, ops, modelFindings, Summarize(analysis.Findings), plan.Notes, warnings)
        {
            Reason = StatusReasons.Explain(plan.Status, ops, plan.Segments),
            Regions = plan.Regions,
        };
    }

    /// <summary>Findings grouped by rule, most frequent first; the first finding's message and fix stand for the group.</summary>
    private static IReadOnlyList<RuleSummary> Summarize(IReadOnlyList<Finding> findings) => findings.Count == 0 ? [] :
        findings.GroupBy(f => f.RuleId, StringComparer.Ordinal)
            .Select(g =>
            {
                var first = g.First();
                return new RuleSummary(g.Key, first.Effect, g.Aggregate(Confidence.None, (c, f) => c | f.Confidence), g.Count(),
                    g.Where(f => f.OpIndex is not null).Select(f => f.OpIndex!.Value).Distinct().ToArray(),
                    first.Message, g.Select(f => f.Fix).FirstOrDefault(x => !string.IsNullOrWhiteSpace(x)),
                    g.SelectMany(f => f.Sources).Distinct(StringComparer.Ordinal).ToArray())
                {
                    Descriptor = first.Descriptor ?? Rules.Catalog.RuleCatalog.Default.Find(g.Key),
                };
            })
            .OrderByDescending(r => r.Effect.BlocksAne())
            .ThenByDescending(r => r.Count)
            .ThenBy(r => r.RuleId, StringComparer.Ordinal)
            .ToArray();
}
