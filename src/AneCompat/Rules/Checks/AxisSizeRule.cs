using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>
/// DIM-AXIS-MAX: per-axis caps from the ANE error string N[1-65536] D[1-16384] C[1-65536] H[1-16384] W[1-16384];
/// D/H/W rise to 65536 on h16+. Axes are named right-aligned (…, C, H, W; rank 5 = N, D, C, H, W).
/// </summary>
public sealed class AxisSizeRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.DimAxisMax };
    public IReadOnlyCollection<OpKind> Kinds { get; } = Array.Empty<OpKind>();

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        var tensors = ctx.RuntimeTensors;
        // An axis within both caps passes whatever its name: only a larger one needs naming.
        var withinBoth = Math.Min(ctx.Target.MaxChannelAxis, ctx.Target.MaxSpatialAxis);
        for (var t = 0; t < tensors.Count; t++)
        {
            var tensor = tensors[t];
            var type = tensor.Type;
            var dims = type.Shape.Dims;
            if (dims is null || dims.Count > 5) continue;
            for (var i = 0; i < dims.Count; i++)
            {
                if (dims[i].Size is not { } size || size <= withinBoth) continue;
                var name = AxisName(dims.Count, i);
                var cap = name is "N" or "C" ? ctx.Target.MaxChannelAxis : ctx.Target.MaxSpatialAxis;
                if (size <= cap) continue;
                return [ctx.Report(Descriptors.DimAxisMax,
                    $"{ctx.Label}: {tensor.Role} {type.Shape} has {name} = {size}, over the {name} cap {cap} on {ctx.Target.Name} ({ctx.Target.Generation}).")];
            }
        }
        return [];
    }

    private static string AxisName(int rank, int axis) => (rank - 1 - axis) switch
    {
        0 => "W",
        1 => "H",
        2 => "C",
        3 => rank == 5 ? "D" : "N",
        _ => "N",
    };
}
