using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>
/// Model types that never run a graph on the ANE (MODEL-NONNN), whose placement is not public (MODEL-FEATUREPRINT,
/// MODEL-SERIALIZED, MODEL-LINKED) or that run only CPU/GPU code (MODEL-CUSTOM), from model-types.tsv.
/// </summary>
public sealed class ModelTypeRule : IModelRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.ModelNonnn, Descriptors.ModelFeatureprint, Descriptors.ModelCustom, Descriptors.ModelLinked, Descriptors.ModelSerialized };

    public IEnumerable<Finding> Check(ModelContext ctx)
    {
        var type = ctx.Catalog.ModelType(ctx.Node.ModelType);
        if (type is null || type.Status == "P") yield break;
        // The model-types.tsv row names its rules by id (data); each resolves to this check's own descriptors.
        foreach (var rule in Rules.Where(r => type.Rules.Contains(r.Id)))
        {
            var message =
                rule == Descriptors.ModelNonnn ? $"{ctx.Label} is a {ctx.Node.ModelType}: classical ML runs on the CPU by design (no ANE code path is known)."
                : rule == Descriptors.ModelCustom ? $"{ctx.Label} is a customModel: custom models have only CPU/GPU implementations."
                : rule == Descriptors.ModelFeatureprint ? $"{ctx.Label} is a {ctx.Node.ModelType}: an Apple-internal network run by Vision/SoundAnalysis; its placement is not public (unknown)."
                : rule == Descriptors.ModelLinked ? $"{ctx.Label} is a linkedModel: its placement follows the linked model, which this file does not contain (unknown)."
                : $"{ctx.Label} is a serializedModel: a private model type whose contents are not public (unknown).";
            yield return ctx.Report(rule, message);
        }
    }
}
