using AneCompat.Diagnostics;
using AneCompat.Graph;

namespace AneCompat.Decoders;

/// <summary>
/// Refuses decoded models whose window parameters Core ML itself refuses: a convolution or pooling with a kernel
/// size, stride or dilation of 0 (or below) has no defined output, so the model is invalid, not "fully compatible".
/// Runs once over the finished graph for every format (NeuralNetwork attributes, ML program and model.mil constant
/// arguments alike), before any later stage computes shapes or costs from these values.
/// </summary>
public static class LayerParameterCheck
{
    // MIL spells the kernel kernel_sizes (pools); NeuralNetwork layers carry it as the "kernel" attribute.
    private static readonly (string Name, string Label)[] Windows =
    {
        (Attr.Kernel, "kernel size"), ("kernel_sizes", "kernel size"), (Attr.Strides, "stride"), (Attr.Dilations, "dilation"),
    };

    public static void Check(ModelGraph graph)
    {
        foreach (var op in graph.AllOps())
        {
            // Global pooling ignores its window fields (files often leave kernel and stride 0).
            if (op.AttrBool(Attr.Global)) continue;
            foreach (var (name, label) in Windows)
            {
                var values = Values(op, name);
                if (values is null) continue;
                foreach (var v in values)
                {
                    if (v >= 1) continue;
                    throw new ModelReadException(graph.SourcePath,
                        $"invalid model: op #{op.Index} {SafeText.Quote(op.Name ?? op.Kind, 80)} ({SafeText.Quote(op.Source, 60)}) has {label} {v} " +
                        $"({OpShape(values)}); Core ML refuses a convolution or pooling whose {label} is not at least 1");
                }
            }
        }
    }

    private static long[]? Values(Op op, string name)
    {
        if (op.AttrLongs(name) is { } a) return a;
        if (op.Arg(name)?.Constant?.Ints is { } ints) return ints;
        return null;
    }

    private static string OpShape(long[] values) =>
        values.Length <= 8 ? "[" + string.Join(", ", values) + "]" : $"{values.Length} values";
}
