using AneCompat.Graph;
using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>DTYPE-FP32, model level: a wholly fp32-typed ML program does not use the NE at all.</summary>
public sealed class Fp32ProgramRule : IModelRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.DtypeFp32 };

    public IEnumerable<Finding> Check(ModelContext ctx)
    {
        if (ctx.Node.Family != ModelFamily.MlProgram) yield break;
        var floats = ctx.Ops.Select(op => ComputeElement(op, ctx)).Where(e => e is not null).ToList();
        if (floats.Count == 0 || floats.Any(e => e != ElementType.Float32)) yield break;
        yield return ctx.Report(Descriptors.DtypeFp32,
            $"{ctx.Label} is an fp32-typed ML program: all {floats.Count} compute ops with float tensors are fp32, so the Neural Engine is barred for the whole model (e.g. converted with compute_precision=FLOAT32).",
            Effect.ModelToCpuGpu);
    }

    /// <summary>The float element type an op computes in (its first float output), skipping constants and casts.</summary>
    private static ElementType? ComputeElement(Op op, ModelContext ctx)
    {
        if (OpKinds.IsConstant(op) || op.Is(OpKinds.Cast)) return null;
        var entry = ctx.Catalog.Lookup(ctx.Graph, ctx.Node, op.Source);
        if (entry?.Status is OpStatus.Folded or OpStatus.Host) return null;
        var t = op.Outputs.Select(o => o.Type.Element).FirstOrDefault(e => e.IsFloat());
        return t == ElementType.Unknown ? null : t;
    }
}
