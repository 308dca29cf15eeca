using AneCompat.Graph;
using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>
/// DTYPE-FP32-LITERAL: an fp32 constant that makes its consumer an fp32 op inside an otherwise fp16 program (the
/// fp32 island a Python float literal or an fp32 mask creates).
/// </summary>
public sealed class Fp32LiteralRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.DtypeFp32Literal };
    public IReadOnlyCollection<OpKind> Kinds { get; } = Array.Empty<OpKind>();

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        if (!ctx.IsMlProgram || !Precision.IsComputeOp(ctx) || !Precision.HasTensor(ctx, ElementType.Float32)) return [];
        // The message names the first three; the rest are not formatted.
        List<string>? constants = null;
        foreach (var input in ctx.Op.Inputs)
            for (var i = 0; i < input.Arguments.Count; i++)
                if (Precision.IsFp32Constant(input.Arguments[i]) && (constants ??= new List<string>(3)).Count < 3)
                    constants.Add($"{input.Parameter} = {input.Arguments[i]}");
        if (constants is null || !ProgramHasFp16(ctx)) return [];
        return [ctx.Report(Descriptors.DtypeFp32Literal,
            $"{ctx.Label} takes fp32 constant(s) {string.Join(", ", constants)} in an otherwise fp16 program: the fp32 buffer makes this op fp32, which the NE cannot execute.")];
    }

    // Once per function, not once per op: a scan per op is quadratic on a large fp32 program.
    private bool ProgramHasFp16(OpContext ctx) =>
        ctx.PerFunction(this, f => f.Body.Ops.Any(o => !o.Is(OpKinds.Const) && o.Outputs.Any(v => v.Type.Element == ElementType.Float16)));
}
