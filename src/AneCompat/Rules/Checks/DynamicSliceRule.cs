using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>SLICE-DYN: slices with runtime begin/end/size run on the CPU ("anything dynamic goes to CPU").</summary>
public sealed class DynamicSliceRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.SliceDyn };
    public IReadOnlyCollection<OpKind> Kinds { get; } = new[] { OpKinds.SliceByIndex, OpKinds.SliceBySize };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        var runtime = new[] { "begin", "end", "size" }.Where(ctx.IsRuntime).ToList();
        if (runtime.Count == 0) yield break;
        yield return ctx.Report(Descriptors.SliceDyn,
            $"{ctx.Label}: slice bounds {string.Join(", ", runtime.Select(p => $"{p} = '{ctx.Op.Arg(p)}'"))} are computed at run time; runtime-indexed slicing runs on the CPU.");
    }
}
