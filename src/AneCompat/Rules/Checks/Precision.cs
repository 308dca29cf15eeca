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
    public static List<string> Fp32Tensors(OpContext ctx) =>
        ctx.RuntimeTensors.Where(t => t.Type.Element == ElementType.Float32).Select(t => t.Role).ToList();

    public static bool HasFloatTensor(OpContext ctx) => ctx.RuntimeTensors.Any(t => t.Type.Element.IsFloat());

    /// <summary>Constant float arguments stored as fp32.</summary>
    public static IEnumerable<(string Parameter, Argument Argument)> Fp32Constants(OpContext ctx) =>
        ctx.Op.Inputs.SelectMany(i => i.Arguments.Where(a => a.Constant?.Type.Element == ElementType.Float32 || a.IsConstant && a.Type.Element == ElementType.Float32)
            .Select(a => (i.Parameter, a)));

    public static IEnumerable<(string Parameter, Argument Argument, double[] Values)> FloatConstants(OpContext ctx) =>
        ctx.Op.Inputs.SelectMany(i => i.Arguments.Where(a => a.Constant?.Floats is not null).Select(a => (i.Parameter, a, a.Constant!.Floats!)));
}
