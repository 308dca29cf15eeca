using AneCompat.Graph;

namespace AneCompat.Registry;

/// <summary>
/// Typed handles on the registry's kinds (one static property per row of op-kinds.tsv, in OpKinds.g.cs) and the
/// questions about an op that only its kind answers.
/// </summary>
public static partial class OpKinds
{
    /// <summary>
    /// A constant by nature: the one answer to "is this op a constant" — MIL <c>const</c> (and the NeuralNetwork
    /// constant layers that decode to it) and the compile-time decompression ops <c>constexpr_*</c>, whose outputs
    /// are fixed before the model runs (role <see cref="KindRole.FoldedConstant"/> in op-kinds.tsv).
    /// </summary>
    public static bool IsConstant(Op op) => OpRegistry.Of(op).IsConstant;

    /// <summary>The role of an op's kind (compute / folded constant / host / control flow).</summary>
    public static KindRole RoleOf(Op op) => OpRegistry.Of(op).Role;

    /// <summary>True when the op is of <paramref name="kind"/> (no params array: checks ask this for every op).</summary>
    public static bool Is(this Op op, OpKind kind) => op.Kind == kind.Name;

    /// <summary>True when the op is of one of <paramref name="kinds"/>.</summary>
    public static bool Is(this Op op, params OpKind[] kinds)
    {
        foreach (var k in kinds)
            if (op.Kind == k.Name) return true;
        return false;
    }
}
