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
        ctx.Op.Is(OpKinds.Cast) && (ctx.Op.Arg("x") is { } x && ctx.IsModelInput(x) || ctx.Op.Outputs.Any(o => ctx.Function.Outputs.Contains(o.Name)));

    /// <summary>Ops whose dtype decides placement: not folded constants, not host ops, not boundary casts.</summary>
    public static bool IsComputeOp(OpContext ctx) =>
        ctx.Entry?.Status is not (OpStatus.Folded or OpStatus.Host) && !OpKinds.IsConstant(ctx.Op) && !IsBoundaryCast(ctx);

    /// <summary>The fp32 tensors an ML-program op reads or writes at run time.</summary>
    public static IReadOnlyList<string> Fp32Tensors(OpContext ctx) => Roles(ctx, ElementType.Float32);

    /// <summary>How messages name the op's run-time tensors of <paramref name="element"/> (empty, without allocating, when none).</summary>
    public static IReadOnlyList<string> Roles(OpContext ctx, ElementType element)
    {
        List<string>? roles = null;
        foreach (var t in ctx.RuntimeTensors)
            if (t.Type.Element == element) (roles ??= new List<string>()).Add(t.Role);
        return roles ?? (IReadOnlyList<string>)Array.Empty<string>();
    }

    public static bool HasFloatTensor(OpContext ctx)
    {
        foreach (var t in ctx.RuntimeTensors)
            if (t.Type.Element.IsFloat()) return true;
        return false;
    }

    /// <summary>Constant float arguments stored as fp32.</summary>
    public static IEnumerable<(string Parameter, Argument Argument)> Fp32Constants(OpContext ctx)
    {
        foreach (var i in ctx.Op.Inputs)
            foreach (var a in i.Arguments)
                if (a.Constant?.Type.Element == ElementType.Float32 || a.IsConstant && a.Type.Element == ElementType.Float32)
                    yield return (i.Parameter, a);
    }

    public static IEnumerable<(string Parameter, Argument Argument, double[] Values)> FloatConstants(OpContext ctx)
    {
        foreach (var i in ctx.Op.Inputs)
            foreach (var a in i.Arguments)
                if (a.Constant?.Floats is { } values)
                    yield return (i.Parameter, a, values);
    }
}
