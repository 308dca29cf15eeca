using AneCompat.Rules.Catalog;
using AneCompat.Targets;

namespace AneCompat.Rules.Checks;

/// <summary>COST-MODEL-SIZE: more than 1 GB of weights on iPhone (Apple) or ~2 GiB on macOS (community) keeps a model off the ANE.</summary>
public sealed class ModelSizeRule : IModelRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.CostModelSize };

    public IEnumerable<Finding> Check(ModelContext ctx)
    {
        if (!ctx.IsRoot) yield break;
        var bytes = ctx.Graph.WeightBytes;
        var limit = ctx.Target.MaxModelBytes;
        if (bytes <= limit) yield break;
        var isPhone = ctx.Target.Device == DeviceClass.IPhone;
        yield return ctx.Report(Descriptors.CostModelSize,
            $"weights total {Size(bytes)}, over the {(isPhone ? "1 GB iPhone per-model ANE limit (Apple)" : "~2 GiB per-model size seen in practice on macOS")} for {ctx.Target.Name}.",
            confidence: isPhone ? Confidence.A : Confidence.C);
    }

    private static string Size(long bytes) => bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.00} GiB ({bytes:N0} bytes)" : $"{bytes / 1e6:0.0} MB ({bytes:N0} bytes)";
}
