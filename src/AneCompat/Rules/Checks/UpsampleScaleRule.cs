using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>
/// UPSAMPLE-SCALE: the old Espresso ANE kernel accepted only factor 2 ("only scaling factor of 2 is supported"), so
/// larger factors fall back on A12-A14/M1-era targets. From h14 a native resampling unit exists and the limit is not
/// re-established (unknown).
/// </summary>
public sealed class UpsampleScaleRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.UpsampleScale };
    public IReadOnlyCollection<OpKind> Kinds { get; } = new[] { OpKinds.Upsample, OpKinds.UpsampleNearestNeighbor, OpKinds.UpsampleBilinear };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        var scale = ctx.Doubles(Graph.Attr.Scale, "scalingFactor")
            ?? new[] { ctx.Doubles("scale_factor_height")?.FirstOrDefault(), ctx.Doubles("scale_factor_width")?.FirstOrDefault() }
                .Where(x => x is > 0).Select(x => x!.Value).ToArray();
        if (scale.Length == 0) yield break;
        var max = scale.Max();
        if (max <= ctx.Target.MaxUpsampleFactor) yield break;
        var shown = string.Join("×", scale.Select(x => x.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)));
        if (ctx.Target.HasTextureUnit)
        {
            yield return ctx.Report(Descriptors.UpsampleScale,
                $"{ctx.Label}: scale {shown} exceeds 2, which the old Espresso ANE kernel rejected ('only scaling factor of 2 is supported'); {ctx.Target.Name} ({ctx.Target.Generation}) has a native resampling unit and the limit is not re-established there.",
                Effect.Unknown);
            yield break;
        }
        yield return ctx.Report(Descriptors.UpsampleScale,
            $"{ctx.Label}: scale {shown} exceeds 2 on {ctx.Target.Name} ({ctx.Target.Generation}); the Espresso ANE kernel accepts only factor 2 ('only scaling factor of 2 is supported').");
    }
}
