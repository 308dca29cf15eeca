namespace AneCompat.Rules.Catalog;

/// <summary>How a rule is evaluated against a model file.</summary>
public enum RuleEvaluation
{
    /// <summary>A class under Rules/Checks tests a condition on attributes, shapes, types or the model description.</summary>
    Check,
    /// <summary>Asserted by op-table rows (the op type alone decides).</summary>
    Table,
    /// <summary>Produced by the engine itself (unknown op types).</summary>
    Engine,
    /// <summary>Documented only: deciding it needs runtime facts (compute units, OS, measured cost) the file does not hold.</summary>
    Advice,
}

/// <summary>
/// One rule of the catalog (Roslyn's descriptor idea): everything about a rule except its check is data, loaded from
/// rules.json (compiled into the assembly). Ids, applies-to, condition, effect text, confidence, chips and sources are the fact base's
/// (ane-rules.md §1); title, verdict effect, evaluation and fix are ANECompat's.
/// </summary>
public sealed record RuleDescriptor(
    string Id,
    string Title,
    string Section,
    string AppliesTo,
    string Condition,
    Effect Effect,
    string EffectText,
    string ConfidenceText,
    Confidence Confidence,
    string Chips,
    IReadOnlyList<string> Sources,
    string SourceText,
    string? Fix,
    string? FixSafety,
    IReadOnlyList<RuleEvaluation> Evaluation,
    bool Internal)
{
    public bool EvaluatedBy(RuleEvaluation e) => Evaluation.Contains(e);
}
