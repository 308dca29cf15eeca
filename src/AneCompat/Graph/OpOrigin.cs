namespace AneCompat.Graph;

/// <summary>The on-disk form an op was decoded from.</summary>
public enum OpSourceFormat
{
    Unknown,
    /// <summary>A NeuralNetwork layer of a protobuf <c>.mlmodel</c> (or the spec inside a package).</summary>
    NeuralNetwork,
    /// <summary>A MIL <c>Operation</c> of a protobuf ML program.</summary>
    MilProgram,
    /// <summary>A statement of a compiled model's <c>model.mil</c> text.</summary>
    MilText,
    /// <summary>A layer of a compiled model's <c>model.espresso.net</c>.</summary>
    Espresso,
}

/// <summary>
/// One step down into a nested block: the op (by its index in the enclosing source list) and which of its blocks.
/// </summary>
/// <param name="OpIndex">Index of the owning op (layer, operation) in its own source list.</param>
/// <param name="Block">The block as the format names it: <c>ifBranch</c>, <c>elseBranch</c>, <c>conditionNetwork</c>,
/// <c>bodyNetwork</c> for NeuralNetwork branch/loop layers; <c>blocks[i]</c> for MIL operations.</param>
public sealed record OriginStep(int OpIndex, string Block)
{
    public override string ToString() => $"[{OpIndex}].{Block}";
}

/// <summary>
/// Where an op came from in its file, precisely enough for a writer to find the source message again: the pipeline
/// member, the function, the nested-block path, the index in its source list (NeuralNetwork <c>layers</c>, MIL
/// <c>operations</c>, espresso <c>layers</c>) and the name as written.
/// </summary>
/// <param name="Member">Pipeline member path: <c>""</c> for the root model, <c>models[1]</c>, <c>models[1]/models[0]</c>.</param>
/// <param name="Function">The function's name as in the file (<c>main</c>); NeuralNetwork and espresso nets have one, <c>main</c>.</param>
/// <param name="BlockPath">From the function body down to the list holding the op; empty for a top-level op.</param>
/// <param name="Index">Index of the op in its source list (the function body, or the innermost nested block).</param>
/// <param name="Name">The op's name exactly as the file writes it; null when the file gives none.</param>
public sealed record OpOrigin(OpSourceFormat Format, string Member, string Function, IReadOnlyList<OriginStep> BlockPath, int Index, string? Name)
{
    public static readonly OpOrigin Unknown = new(OpSourceFormat.Unknown, "", "main", Array.Empty<OriginStep>(), -1, null);

    /// <summary>Depth of nesting: 0 for an op of the function body.</summary>
    public int Depth => BlockPath.Count;

    /// <summary>A readable locator: <c>models[0]/main[3].ifBranch[1]</c>.</summary>
    public override string ToString() =>
        (Member.Length == 0 ? "" : Member + "/") + Function + string.Concat(BlockPath) + $"[{Index}]";

    /// <summary>Appends one nesting step to a block path (paths are shared, never mutated).</summary>
    public static IReadOnlyList<OriginStep> Append(IReadOnlyList<OriginStep> path, int opIndex, string block)
    {
        var steps = new OriginStep[path.Count + 1];
        for (var i = 0; i < path.Count; i++) steps[i] = path[i];
        steps[^1] = new OriginStep(opIndex, block);
        return steps;
    }

    /// <summary>The member path a decoder's function prefix (<c>""</c> or <c>"models[1]/"</c>) stands for.</summary>
    public static string MemberOf(string functionPrefix) => functionPrefix.EndsWith('/') ? functionPrefix[..^1] : functionPrefix;
}
