using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Rules;

namespace AneCompat.Tests.Support;

/// <summary>Reports built from graphs made in code, with hand-made findings (the rule base is another stage).</summary>
public static class SampleReports
{
    /// <summary>
    /// conv → custom (MODEL-CUSTOM op→CPU) → conv, plus a const and a model-level slow finding. Each conv is 64→64
    /// channels over 128×128 (1.2 GFLOP), enough work for the ANE by the placement cost model.
    /// <paramref name="leadingConstants"/> consts before it all move every op to a later index.
    /// </summary>
    public static Report ConvCustomConv(ComputeUnits units = ComputeUnits.All, int leadingConstants = 0)
    {
        var f = new GraphFactory();
        for (var i = 0; i < leadingConstants; i++) f.Add("const", $"lead{i}", GraphFactory.Fp16(1));
        f.Conv("image", "c1", 64, 64, 128, 128);
        var custom = f.Add("custom", "s1", GraphFactory.Fp16(1, 64, 128, 128), ("c1", GraphFactory.Fp16(1, 64, 128, 128)));
        f.Finding(custom, "MODEL-CUSTOM", Effect.OpToCpu, "Re-express the layer with built-in ops.");
        f.Add("const", "k", GraphFactory.Fp16(1));
        f.Conv("s1", "out", 64, 64, 128, 128);
        f.Finding(f.Last, "CONV-KW", Effect.Slow);
        f.ModelFinding("PART-FIRST-COMPILE", Effect.Slow);
        var (_, analysis) = f.Build();
        return ReportBuilder.Build(analysis, units);
    }

    /// <summary>
    /// A generated report of <paramref name="opCount"/> ops: convs on the ANE, with an op→CPU custom layer every
    /// <paramref name="cutEvery"/> ops, so the plan has many segments.
    /// </summary>
    public static Report Large(int opCount, int cutEvery = 250)
    {
        var f = new GraphFactory();
        var prev = "image";
        for (var i = 0; i < opCount; i++)
        {
            var name = $"t{i}";
            if (i % cutEvery == cutEvery - 1)
            {
                var op = f.Add("custom", name, GraphFactory.Fp16(1, 16, 64, 64), (prev, GraphFactory.Fp16(1, 16, 64, 64)));
                f.Finding(op, "MODEL-CUSTOM", Effect.OpToCpu, "Re-express the layer with built-in ops.");
            }
            else f.Conv(prev, name, 16, 16, 64, 64);
            prev = name;
        }
        var (_, analysis) = f.Build();
        return ReportBuilder.Build(analysis, ComputeUnits.All);
    }

    /// <summary>
    /// A generated residual network of <paramref name="opCount"/> ops — conv, conv, add(skip) blocks, so the graph
    /// branches and joins like a real ResNet — with an op→CPU custom layer every <paramref name="cutEvery"/> ops.
    /// </summary>
    public static Report LargeResidual(int opCount, int cutEvery = 250)
    {
        var f = new GraphFactory();
        var t = GraphFactory.Fp16(1, 16, 64, 64);
        var prev = "image";
        var blockInput = prev;
        for (var i = 0; i < opCount; i++)
        {
            var name = $"t{i}";
            if (i % cutEvery == cutEvery - 1)
            {
                var op = f.Add("custom", name, t, (prev, t));
                f.Finding(op, "MODEL-CUSTOM", Effect.OpToCpu, "Re-express the layer with built-in ops.");
                blockInput = name;
            }
            else if (i % 3 == 2)
            {
                f.Add("add", name, t, (prev, t), (blockInput, t));
                blockInput = name;
            }
            else f.Conv(prev, name, 16, 16, 64, 64);
            prev = name;
        }
        var (_, analysis) = f.Build();
        return ReportBuilder.Build(analysis, ComputeUnits.All);
    }
}
