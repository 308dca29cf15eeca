using AneCompat.Graph;

namespace AneCompat.Rules;

/// <summary>What a finding means for placement, in the fact base's vocabulary (ane-rules.md §1).</summary>
public enum Effect
{
    /// <summary>The op runs on the ANE (explicitly supported; informational).</summary>
    None,
    /// <summary>op→CPU: this op leaves the ANE (CPU, sometimes GPU) and the model is cut around it.</summary>
    OpToCpu,
    /// <summary>op→GPU.</summary>
    OpToGpu,
    /// <summary>model→CPU/GPU: the whole model (or chunk) loses the ANE.</summary>
    ModelToCpuGpu,
    /// <summary>ANE compile fails; Core ML silently uses CPU/GPU for the segment.</summary>
    CompileFail,
    /// <summary>Stays on the ANE but slower.</summary>
    Slow,
    /// <summary>Stays on the ANE but the result can be wrong.</summary>
    Numeric,
    /// <summary>The placement is not established by any source.</summary>
    Unknown,
    /// <summary>Placement-neutral: folded away at conversion or load.</summary>
    Folded,
    /// <summary>Runs on the host by nature (classifier output dictionaries, …).</summary>
    Host,
}

/// <summary>Confidence codes of the fact base: Apple-documented, reverse-engineered, community-observed, guessed.</summary>
[Flags]
public enum Confidence { None = 0, A = 1, R = 2, C = 4, G = 8 }

public static class EffectExtensions
{
    /// <summary>True when the effect takes the op (or model) off the ANE.</summary>
    public static bool BlocksAne(this Effect e) => e is Effect.OpToCpu or Effect.OpToGpu or Effect.ModelToCpuGpu or Effect.CompileFail or Effect.Host;

    public static string Label(this Effect e) => e switch
    {
        Effect.None => "ane",
        Effect.OpToCpu => "op→CPU",
        Effect.OpToGpu => "op→GPU",
        Effect.ModelToCpuGpu => "model→CPU/GPU",
        Effect.CompileFail => "compile-fail",
        Effect.Slow => "slow",
        Effect.Numeric => "numeric",
        Effect.Unknown => "unknown",
        Effect.Folded => "folded",
        Effect.Host => "host",
        _ => e.ToString(),
    };

    /// <summary>The confidence codes in words, for explanations (explain, docs/rules.md).</summary>
    public static string Meaning(this Confidence c)
    {
        var parts = new List<string>();
        if (c.HasFlag(Confidence.A)) parts.Add("A = documented by Apple");
        if (c.HasFlag(Confidence.R)) parts.Add("R = reverse-engineered");
        if (c.HasFlag(Confidence.C)) parts.Add("C = community-observed");
        if (c.HasFlag(Confidence.G)) parts.Add("G = guessed/inferred");
        return parts.Count == 0 ? "none stated" : string.Join("; ", parts);
    }

    public static string Label(this Confidence c) =>
        c == Confidence.None ? "-" : string.Join("/", Enum.GetValues<Confidence>().Where(f => f != Confidence.None && c.HasFlag(f)));
}

/// <summary>
/// One judgement of one rule on one op (or on the whole model when <see cref="OpIndex"/> is null), for one target.
/// </summary>
public sealed record Finding(
    string RuleId,
    int? OpIndex,
    Effect Effect,
    Confidence Confidence,
    IReadOnlyList<string> Sources,
    string Message,
    string? Fix)
{
    public bool BlocksAne => Effect.BlocksAne();

    /// <summary>
    /// For model-level findings: the pipeline member it is about ("" = the root model, "models[1]" = a member).
    /// Null means the whole file. Op findings leave it null (the op's function path says where it is).
    /// </summary>
    public string? ModelPath { get; init; }

    /// <summary>The rule's descriptor (title, condition, effect, confidence, sources, fix and its safety).</summary>
    public Catalog.RuleDescriptor? Descriptor { get; init; }
}
