using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>
/// CONV-STRIDE (Apple, Core AI): strides whose prime factors are only 2 and 3 map efficiently; equal strides above 2
/// should be one of 4, 6, 8, 9, 12, 16, 24, 32; mixed strides with one side 2 take 3, 4, 8 or 9 on the other; unequal
/// large strides are to be avoided; palettized kernels want stride ≤ 2. Effect: slow, not a fallback.
/// </summary>
public sealed class ConvStrideRule : IOpRule
{
    private static readonly long[] EqualList = { 4, 6, 8, 9, 12, 16, 24, 32 };
    private static readonly long[] MixedWithTwo = { 3, 4, 8, 9 };

    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.ConvStride };
    public IReadOnlyCollection<OpKind> Kinds { get; } = new[] { OpKinds.Conv, OpKinds.ConvTranspose };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        if (Conv.Strides(ctx) is not { Length: > 0 } s || Problem(ctx, s) is not { } why) return [];
        return [ctx.Report(Descriptors.ConvStride, $"{ctx.Label}: stride {Conv.Show(s)}: {why}.")];
    }

    private static string? Problem(OpContext ctx, long[] s)
    {
        if (s.FirstOrDefault(x => x > 1 && !OnlyTwosAndThrees(x)) is var odd and > 0)
            return $"{odd} has a prime factor other than 2 and 3, which adds overhead";
        if (ctx.String(Graph.Attr.Quantization) == "lut" && s.Max() > 2)
            return "palettized kernels have very limited stride support (use ≤ 2)";
        if (s.Length < 2) return null;
        var (a, b) = (s[^2], s[^1]);
        if (a == b) return a > 2 && !EqualList.Contains(a) ? $"equal stride {a} is not in Apple's efficient list (4, 6, 8, 9, 12, 16, 24, 32)" : null;
        if (a == 2 || b == 2)
        {
            var other = a == 2 ? b : a;
            return other > 2 && !MixedWithTwo.Contains(other) ? $"with one side 2 the other should be 3, 4, 8 or 9, not {other}" : null;
        }
        return a > 2 && b > 2 ? "unequal large strides add overhead (make them equal or set one to 2)" : null;
    }

    private static bool OnlyTwosAndThrees(long x)
    {
        while (x % 2 == 0) x /= 2;
        while (x % 3 == 0) x /= 3;
        return x == 1;
    }
}
