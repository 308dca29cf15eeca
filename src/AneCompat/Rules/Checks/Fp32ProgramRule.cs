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
        if (ctx.Node.Family != ModelFamily.MlProgram) return [];
        // One pass that stops at the first op computing in another float type (an fp16 program stops at once).
        var floats = 0;
        foreach (var op in ctx.Ops)
        {
            if (ComputeElement(op, ctx) is not { } element) continue;
            if (element != ElementType.Float32) return [];
            floats++;
        }
        if (floats == 0) return [];
        return [ctx.Report(Descriptors.DtypeFp32,
            $"{ctx.Label} is an fp32-typed ML program: all {floats} compute ops with float tensors are fp32, so the Neural Engine is barred for the whole model (e.g. converted with compute_precision=FLOAT32).",
            Effect.ModelToCpuGpu)];
    }

    /// <summary>The float element type an op computes in (its first float output), skipping constants and casts.</summary>
    private static ElementType? ComputeElement(Op op, ModelContext ctx)
    {
        if (OpKinds.IsConstant(op) || op.Is(OpKinds.Cast)) return null;
        var entry = ctx.Entry(op.Source);
        if (entry?.Status is OpStatus.Folded or OpStatus.Host) return null;
        foreach (var o in op.Outputs)
            if (o.Type.Element.IsFloat()) return o.Type.Element;
        return null;
    }
}
