namespace AneCompat.Decoders.MilProgram;

/// <summary>MIL spellings: the kind comes from the op registry (mil-ops.tsv); the placement-hint attribute name.</summary>
public static class MilOpKind
{
    /// <summary>The experimental per-op placement hint coremltools ≥ 8.3 writes.</summary>
    public const string IntendedBackendAttribute = "IntendedBackend";

    /// <summary>
    /// The canonical kind of a MIL op type, as the op registry resolves it (tools may qualify it with its opset,
    /// <c>ios17.conv</c>); a type no opset of the catalog defines is <c>unknown</c> (its spelling stays in Op.Source).
    /// </summary>
    public static string Canonical(string type) => Registry.OpRegistry.MilOp(type).Name;
}
