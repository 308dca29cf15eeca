using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>DIM-OUTBLOB: a linear/matmul/innerProduct output wider than 16384 ("Output blob dimensions exceed ANE limit").</summary>
public sealed class OutputBlobRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.DimOutblob };
    public IReadOnlyCollection<OpKind> Kinds { get; } = new[] { OpKinds.Linear, OpKinds.Matmul };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        // The declared output channels first: a NeuralNetwork innerProduct writes them on the C axis ([C, 1, 1]), not
        // the last one. MIL linear/matmul do not declare them, and there the last axis is the output width.
        var width = ctx.Long(Graph.Attr.OutChannels);
        width ??= ctx.OutputType?.Shape is { Rank: > 0 } s ? s[-1].Size : null;
        if (width is not { } w || w <= ctx.Target.MaxOutputBlobWidth) yield break;
        if (ctx.Target.OutputBlobCapDisputed)
        {
            yield return ctx.Report(Descriptors.DimOutblob,
                $"{ctx.Label}: output width {w} exceeds {ctx.Target.MaxOutputBlobWidth}, the limit logged on M1/A14-era chips; disputed on {ctx.Target.Name}: one report ran a 262144-wide output on the A19 Pro ANE.",
                Effect.Unknown);
            yield break;
        }
        yield return ctx.Report(Descriptors.DimOutblob,
            $"{ctx.Label}: output width {w} exceeds {ctx.Target.MaxOutputBlobWidth} ('Output blob dimensions exceed ANE limit', logged on M1/A14-era chips).");
    }
}
