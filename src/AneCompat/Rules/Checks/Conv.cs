namespace AneCompat.Rules.Checks;

/// <summary>Kernel geometry of conv/pool ops, from the common attributes or the MIL parameters and weight shape.</summary>
internal static class Conv
{
    /// <summary>Spatial kernel extent, outermost first ([kH, kW] or [kD, kH, kW]).</summary>
    public static long[]? Kernel(OpContext ctx)
    {
        if (ctx.Longs(Graph.Attr.Kernel, "kernel_sizes") is { Length: > 0 } k) return k;
        // MIL conv: weight [C_out, C_in/groups, *kernel].
        if (ctx.Op.Arg("weight")?.Type.Shape.Sizes is { Length: >= 3 } w) return w[2..];
        return null;
    }

    public static long[]? Strides(OpContext ctx) => ctx.Longs(Graph.Attr.Strides, "stride");

    public static long[]? Dilations(OpContext ctx) => ctx.Longs(Graph.Attr.Dilations, "dilation");

    public static bool IsGlobal(OpContext ctx) => ctx.Bool(Graph.Attr.Global) || ctx.Bool("is_global");

    public static string Show(long[] k) => OpContext.Shape(k);
}
