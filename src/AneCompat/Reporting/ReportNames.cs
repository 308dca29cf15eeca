using AneCompat.Rules;

namespace AneCompat.Reporting;

/// <summary>Stable machine names used by the JSON and SARIF renderers (documented in docs/report-schema.md).</summary>
public static class ReportNames
{
    public static string EffectName(Effect e) => e switch
    {
        Effect.None => "none",
        Effect.OpToCpu => "op-to-cpu",
        Effect.OpToGpu => "op-to-gpu",
        Effect.ModelToCpuGpu => "model-to-cpu-gpu",
        Effect.CompileFail => "compile-fail",
        Effect.Slow => "slow",
        Effect.Numeric => "numeric",
        Effect.Unknown => "unknown",
        Effect.Folded => "folded",
        Effect.Host => "host",
        _ => e.ToString().ToLowerInvariant(),
    };

    public static IReadOnlyList<string> EffectNames { get; } = Enum.GetValues<Effect>().Select(EffectName).ToArray();
}
