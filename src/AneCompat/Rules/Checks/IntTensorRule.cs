using AneCompat.Graph;
using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>
/// DTYPE-INT: the NE's dtypes are fp16, int8 and int16; ops computing on int32/int64 (index math, int casts and
/// compares, argmax outputs) run on the CPU. Indices fed straight from a model input are not index math.
/// </summary>
public sealed class IntTensorRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.DtypeInt };
    public IReadOnlyCollection<OpKind> Kinds { get; } = Array.Empty<OpKind>();

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        if (!ctx.IsMlProgram || ctx.Entry?.Status is OpStatus.Folded or OpStatus.Host) return [];
        // Loops rather than LINQ: this runs for every op, and almost every op has no wide-int tensor at all.
        List<string>? wide = null;
        foreach (var o in ctx.Op.Outputs)
            if (o.Type.Kind == ValueKind.Tensor && IsWideInt(o.Type.Element))
                (wide ??= new List<string>()).Add($"output '{o.Name}' {o.Type}");
        foreach (var input in ctx.Op.Inputs)
            foreach (var a in input.Arguments)
                if (!a.IsConstant && a.Type.Kind == ValueKind.Tensor && IsWideInt(a.Type.Element) && !(input.Parameter == "indices" && ctx.IsModelInput(a)))
                    (wide ??= new List<string>()).Add($"input {input.Parameter} {a.Type}");
        if (wide is null) return [];
        return [ctx.Report(Descriptors.DtypeInt,
            $"{ctx.Label} computes on {string.Join(", ", wide.Take(3))}: int32/int64 are not NE dtypes (fp16, int8, int16); int32 is rejected by the compiler.")];
    }

    private static bool IsWideInt(ElementType e) => e is ElementType.Int32 or ElementType.Int64 or ElementType.UInt32 or ElementType.UInt64;
}
