using AneCompat.Graph;
using AneCompat.Registry;

namespace AneCompat.Rules.Checks;

/// <summary>Typed-execution facts shared by the precision checks (DTYPE-*).</summary>
internal static class Precision
{
    public const double Fp16Max = 65504;

    /// <summary>coremltools saturates values at or beyond this (float32-min sentinels) to ±65504 (DTYPE-FP16-PASS).</summary>
    public const double SaturatedSentinel = 1e38;

    /// <summary>
    /// A cast between a model input/output and the body: Core ML absorbs these into I/O conversion, so the fp32 side
    /// is not an fp32 island (§2.2 cast).
    /// </summary>
    public static bool IsBoundaryCast(OpContext ctx) =>
        ctx.Op.Is(OpKinds.Cast) && (ctx.Op.Arg("x") is { } x && ctx.IsModelInput(x) || WritesFunctionOutput(ctx));

    // A loop, not a lambda over ctx: a capturing lambda allocates its closure on every call, cast or not.
    private static bool WritesFunctionOutput(OpContext ctx)
    {
        foreach (var o in ctx.Op.Outputs)
            if (ctx.Function.Outputs.Contains(o.Name)) return true;
        return false;
    }

    /// <summary>Ops whose dtype decides placement: not folded constants, not host ops, not boundary casts.</summary>
    public static bool IsComputeOp(OpContext ctx) =>
        ctx.Entry?.Status is not (OpStatus.Folded or OpStatus.Host) && !OpKinds.IsConstant(ctx.Op) && !IsBoundaryCast(ctx);

    /// <summary>The fp32 tensors an ML-program op reads or writes at run time.</summary>
    public static IReadOnlyList<string> Fp32Tensors(OpContext ctx) => Roles(ctx, ElementType.Float32);

    // The helpers below run for every op of a model: indexed loops over the lists, no iterators or LINQ, so an op
    // without a finding allocates nothing.

    /// <summary>How messages name the op's run-time tensors of <paramref name="element"/> (empty, without allocating, when none).</summary>
    public static IReadOnlyList<string> Roles(OpContext ctx, ElementType element)
    {
        List<string>? roles = null;
        var tensors = ctx.RuntimeTensors;
        for (var i = 0; i < tensors.Count; i++)
            if (tensors[i].Type.Element == element) (roles ??= new List<string>()).Add(tensors[i].Role);
        return roles ?? (IReadOnlyList<string>)Array.Empty<string>();
    }

    /// <summary>True when some run-time tensor of the op has element type <paramref name="element"/>.</summary>
    public static bool HasTensor(OpContext ctx, ElementType element)
    {
        var tensors = ctx.RuntimeTensors;
        for (var i = 0; i < tensors.Count; i++)
            if (tensors[i].Type.Element == element) return true;
        return false;
    }

    /// <summary>True when some output of the op has element type <paramref name="element"/>.</summary>
    public static bool HasOutput(Op op, ElementType element)
    {
        var outputs = op.Outputs;
        for (var i = 0; i < outputs.Count; i++)
            if (outputs[i].Type.Element == element) return true;
        return false;
    }

    /// <summary>A constant float argument stored as fp32.</summary>
    public static bool IsFp32Constant(Argument a) =>
        a.Constant?.Type.Element == ElementType.Float32 || a.IsConstant && a.Type.Element == ElementType.Float32;

    /// <summary>The first of <paramref name="values"/> that is finite and beyond ±<paramref name="above"/> (and below <paramref name="below"/>), or null.</summary>
    public static double? FirstBeyond(double[] values, double above, double below = double.PositiveInfinity)
    {
        foreach (var v in values)
            if (double.IsFinite(v) && Math.Abs(v) > above && Math.Abs(v) < below) return v;
        return null;
    }
}
