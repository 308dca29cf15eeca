using AneCompat.Diagnostics;
using AneCompat.Graph;
using AneCompat.Registry;

namespace AneCompat.Planning;

/// <summary>
/// The one public entry point for an op's cost (<see cref="OpCost"/>). The formulas belong to the op registry: each
/// canonical kind's <see cref="CostFormula"/> (op-kinds.tsv). A kind the registry does not define, an opaque kind
/// (custom layer code) or a needed shape that is unknown gives unknown FLOPs rather than a guess.
/// </summary>
public static class CostModel
{
    public static OpCost Estimate(Op op) => new(Flops(op), op.WeightBytes, CostFormula.BytesWritten(op));

    /// <summary>FLOPs of one op, or null when not known.</summary>
    public static long? Flops(Op op) => OpRegistry.Find(op.Kind)?.Cost.Flops(op);

    /// <summary>Bytes the op reads from runtime inputs (constants excluded), or null when a size is unknown.</summary>
    public static long? BytesRead(Op op) => CostFormula.BytesRead(op);
}
