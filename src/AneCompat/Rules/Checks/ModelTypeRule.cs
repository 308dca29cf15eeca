namespace AneCompat.Rules.Checks;

/// <summary>
/// Model types that never run a graph on the ANE (MODEL-NONNN), whose placement is not public (MODEL-FEATUREPRINT,
/// MODEL-SERIALIZED, MODEL-LINKED) or that run only CPU/GPU code (MODEL-CUSTOM), from model-types.tsv.
/// </summary>
public sealed class ModelTypeRule : IModelRule
{
    public IReadOnlyList<string> RuleIds { get; } = new[] { "MODEL-NONNN", "MODEL-FEATUREPRINT", "MODEL-CUSTOM", "MODEL-LINKED", "MODEL-SERIALIZED" };

    public IEnumerable<Finding> Check(ModelContext ctx)
    {
        var type = ctx.Catalog.ModelType(ctx.Node.ModelType);
        if (type is null || type.Status == "P") yield break;
        foreach (var id in type.Rules.Where(RuleIds.Contains))
        {
            var message = id switch
            {
                "MODEL-NONNN" => $"{ctx.Label} is a {ctx.Node.ModelType}: classical ML runs on the CPU by design (no ANE code path is known).",
                "MODEL-CUSTOM" => $"{ctx.Label} is a customModel: custom models have only CPU/GPU implementations.",
                "MODEL-FEATUREPRINT" => $"{ctx.Label} is a {ctx.Node.ModelType}: an Apple-internal network run by Vision/SoundAnalysis; its placement is not public (unknown).",
                "MODEL-LINKED" => $"{ctx.Label} is a linkedModel: its placement follows the linked model, which this file does not contain (unknown).",
                _ => $"{ctx.Label} is a serializedModel: a private model type whose contents are not public (unknown).",
            };
            yield return ctx.Report(id, message);
        }
    }
}
