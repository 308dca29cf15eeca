namespace AneCompat.Rules.Checks;

/// <summary>SLICE-DYN: slices with runtime begin/end/size run on the CPU ("anything dynamic goes to CPU").</summary>
public sealed class DynamicSliceRule : IOpRule
{
    public IReadOnlyList<string> RuleIds { get; } = new[] { "SLICE-DYN" };
    public IReadOnlyCollection<string> Kinds { get; } = new[] { "slice_by_index", "slice_by_size" };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        var runtime = new[] { "begin", "end", "size" }.Where(ctx.IsRuntime).ToList();
        if (runtime.Count == 0) yield break;
        yield return ctx.Report("SLICE-DYN",
            $"{ctx.Label}: slice bounds {string.Join(", ", runtime.Select(p => $"{p} = '{ctx.Op.Arg(p)}'"))} are computed at run time; runtime-indexed slicing runs on the CPU.");
    }
}
