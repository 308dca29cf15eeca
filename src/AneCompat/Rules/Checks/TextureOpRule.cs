using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>
/// RESIZE-TEXTURE: crop_resize, resample, affine and hardware gather_nd need the texture/sampling unit present only
/// from h14 (M2/A15-class); on earlier generations resize/upsample run a software path with different rounding.
/// Even on h14+ one direct-path source reports crop_resize not implemented at all (unknown there).
/// </summary>
public sealed class TextureOpRule : IOpRule
{
    private static readonly HashSet<string> Rejected = new(StringComparer.Ordinal) { "crop_resize", "resample", "affine", "gather_nd" };
    private static readonly HashSet<string> SoftwarePath = new(StringComparer.Ordinal) { "resize", "resize_bilinear", "resize_nearest_neighbor", "upsample_bilinear" };

    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.ResizeTexture };
    public IReadOnlyCollection<OpKind> Kinds { get; } = Rejected.Concat(SoftwarePath).Append("upsample").Select(OpRegistry.Get).ToArray();

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        var kind = ctx.Kind;
        if (kind == "upsample" && !(ctx.String(Graph.Attr.Mode)?.Contains("bilinear", StringComparison.OrdinalIgnoreCase) ?? false)) yield break;
        var chip = $"{ctx.Target.Name} ({ctx.Target.Generation})";
        if (!ctx.Target.HasTextureUnit)
        {
            if (Rejected.Contains(kind))
                yield return ctx.Report(Descriptors.ResizeTexture, $"{ctx.Label}: a texture-unit op; {chip} has no texture/sampling unit (h14+, M2/A15-class), so it is rejected there.");
            else
                yield return ctx.Report(Descriptors.ResizeTexture,
                    $"{ctx.Label}: without the h14+ texture unit, {chip} runs resize/upsample on a software path with different rounding.", Effect.Numeric);
            yield break;
        }
        if (kind == "crop_resize")
            yield return ctx.Report(Descriptors.ResizeTexture,
                $"{ctx.Label}: {chip} has the texture unit crop_resize needs, but one direct-path source reports crop_resize not implemented on the ANE at all: unlikely, unknown.",
                Effect.Unknown);
    }
}
