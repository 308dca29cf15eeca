using AneCompat.Graph;

namespace AneCompat.Registry;

/// <summary>Questions about an op that only its kind answers.</summary>
public static class OpKinds
{
    /// <summary>
    /// A constant by nature: MIL <c>const</c> (and the NeuralNetwork constant layers that decode to it) and the
    /// compile-time decompression ops <c>constexpr_*</c>, whose outputs are fixed before the model runs.
    /// </summary>
    public static bool IsConstant(Op op) => IsConstantKind(op.Kind);

    public static bool IsConstantKind(string kind) => kind == "const" || kind.StartsWith("constexpr_", StringComparison.Ordinal);
}
