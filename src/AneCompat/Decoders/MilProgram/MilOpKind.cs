namespace AneCompat.Decoders.MilProgram;

/// <summary>MIL op type names are the graph's canonical vocabulary; only spelling variants are folded here.</summary>
public static class MilOpKind
{
    /// <summary>The experimental per-op placement hint coremltools ≥ 8.3 writes.</summary>
    public const string IntendedBackendAttribute = "IntendedBackend";

    /// <summary>The canonical kind of a MIL op type: tools may qualify it with its opset (<c>ios17.conv</c>).</summary>
    public static string Canonical(string type)
    {
        var dot = type.IndexOf('.');
        return dot > 0 && dot < type.Length - 1 && type.StartsWith("ios", StringComparison.OrdinalIgnoreCase) ? type[(dot + 1)..] : type;
    }
}
