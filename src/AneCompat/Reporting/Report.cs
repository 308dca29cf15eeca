using AneCompat.Graph;
using AneCompat.Planning;
using AneCompat.Rules;
using AneCompat.Targets;

namespace AneCompat.Reporting;

/// <summary>A pipeline member (or the model itself) as the report lists it.</summary>
public sealed record ReportMember(string Path, string ModelType, string Family);

/// <summary>The model the report is about.</summary>
public sealed record ReportModel(
    string Path,
    string Container,
    string ModelType,
    int SpecificationVersion,
    int OpCount,
    long WeightBytes,
    IReadOnlyList<ReportMember> Members);

/// <summary>
/// One op with its predicted device, findings and cost figures: a view of the planner's <see cref="PlannedOp"/> (no
/// copy per op). What only some renderers read — <see cref="Outputs"/>, <see cref="Inputs"/>, <see cref="Parent"/> —
/// is computed on first read and kept for the report, so a report that never renders them never pays for them.
/// </summary>
public sealed class ReportOp
{
    private readonly PlannedOp _planned;
    private readonly int _position;
    private readonly ReportOpDetails _details;

    internal ReportOp(PlannedOp planned, int position, ReportOpDetails details)
    {
        _planned = planned;
        _position = position;
        _details = details;
    }

    public int Index => _planned.Op.Index;
    public string Kind => _planned.Op.Kind;
    public string Source => _planned.Op.Source;
    public string? Name => _planned.Op.Name;
    public string Function => _planned.Op.Function;

    /// <summary>"y: tensor&lt;fp16, [1, 3]&gt;" for each output.</summary>
    public IReadOnlyList<string> Outputs => _details.OutputsOf(_position);

    public OpRole Role => _planned.Role;
    public bool Eligible => _planned.Eligible;
    public Device? Device => _planned.Device;
    public string Reason => _planned.Reason;
    public string? ReasonRule => _planned.ReasonRule;
    public int? Segment => _planned.Segment;
    public OpCost Cost => _planned.Cost;
    public IReadOnlyList<Finding> Findings => _planned.Findings;

    /// <summary>1-based line of the op in a text model file (model.mil), when the format has lines.</summary>
    public int? SourceLine => _planned.Op.SourceLine;

    /// <summary>The pipeline member the op belongs to (<c>""</c> for the root model, <c>models[1]</c>), from its origin.</summary>
    public string SourceMember => _planned.Op.Origin.Member;

    /// <summary>Where the op sits in its file: member, function, nested-block path, index in its list, name as written.</summary>
    public OpOrigin Origin => _planned.Op.Origin;

    /// <summary>The placement cost model's balance for the op's region (placement confidence); null when cost did not judge it.</summary>
    public RegionEstimate? Region => _planned.Region;

    /// <summary>The values the op reads, each with the op that produced it (the dataflow edges the HTML graph draws).</summary>
    public IReadOnlyList<ReportInput> Inputs => _details.InputsOf(_position);

    /// <summary>For an op inside a nested block (cond / loop body), the index of the op that owns the block; else null.</summary>
    public int? Parent => _details.ParentOf(_position);

    /// <summary>How reports name the op: its own name, else its kind and index.</summary>
    public string DisplayName => string.IsNullOrEmpty(Name) ? $"{Kind}#{Index}" : Name;
}

/// <summary>One value an op reads: its name, type and producing op (null for a model or block input).</summary>
public sealed record ReportInput(string Name, string Type, int? From);

/// <summary>Findings of one rule, counted over the model.</summary>
/// <param name="OpIndices">Ops the rule fired on (empty for a model-level rule).</param>
public sealed record RuleSummary(string RuleId, Effect Effect, Confidence Confidence, int Count, IReadOnlyList<int> OpIndices, string Message, string? Fix, IReadOnlyList<string> Sources)
{
    /// <summary>The rule's catalog descriptor (title, condition, fix and its safety): what SARIF rule metadata, <c>explain</c>
    /// and docs/rules.md all read. Null only for a rule id the catalog does not hold.</summary>
    public Rules.Catalog.RuleDescriptor? Descriptor { get; init; }
}

/// <summary>Op counts by role and predicted device.</summary>
public sealed record ReportCounts(int Ops, int ComputeOps, int FoldedOps, int HostOps, int AneOps, int CpuOps, int GpuOps, int Findings, int Segments);

/// <summary>
/// The whole answer for one model, target and compute-unit setting: immutable, and the only input of every renderer.
/// </summary>
public sealed record Report(
    ReportModel Model,
    ChipProfile Target,
    ComputeUnits ComputeUnits,
    CompatibilityStatus Status,
    Share Eligibility,
    Share Placement,
    ReportCounts Counts,
    int Switches,
    double EstimatedSwitchMs,
    long CopyBytes,
    IReadOnlyList<Segment> Segments,
    IReadOnlyList<ReportOp> Ops,
    IReadOnlyList<Finding> ModelFindings,
    IReadOnlyList<RuleSummary> Rules,
    IReadOnlyList<string> Notes,
    IReadOnlyList<ReadWarning> Warnings)
{
    /// <summary>The version of the tool that made the report (this tool: read when a renderer first asks).</summary>
    public string ToolVersion => ReportBuilder.ToolVersion;

    /// <summary>Why the status is what it is, in one sentence (placement-only verdicts say so).</summary>
    public StatusReason? Reason { get; init; }

    /// <summary>The JSON report's <c>statusReason</c>.</summary>
    public string? StatusReason => Reason?.Text;

    /// <summary>The placement cost model's balance for every region it judged.</summary>
    public IReadOnlyList<RegionEstimate> Regions { get; init; } = Array.Empty<RegionEstimate>();

    /// <summary>Every finding: model-level first, then per op in op order.</summary>
    public IEnumerable<Finding> AllFindings => ModelFindings.Concat(Ops.SelectMany(o => o.Findings));
}
