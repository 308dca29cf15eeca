using System.Diagnostics;
using System.Globalization;
using AneCompat.Building;
using AneCompat.Diagnostics;

namespace AneCompat.Bench;

/// <summary>The bench project's non-benchmark commands: sample and huge-model generators, and a one-shot reader measurement.</summary>
internal static class Commands
{
    /// <summary><c>make-sample PATH</c>: writes the README sample (deterministic, byte-identical every time).</summary>
    public static int MakeSample(string[] args)
    {
        if (args.Length != 1) return Usage("make-sample PATH");
        TinyConvNet.Write(args[0]);
        Console.WriteLine($"wrote {args[0]} ({new FileInfo(args[0]).Length} bytes)");
        return 0;
    }

    /// <summary><c>make-large --size 1GiB OUT.mlmodel</c>: streams a NeuralNetwork model of exactly that many bytes.</summary>
    public static int MakeLarge(string[] args)
    {
        if (args.Length != 3 || args[0] != "--size") return Usage("make-large --size SIZE OUT.mlmodel   (SIZE like 10MiB, 100MiB, 1GiB)");
        if (!ByteSize.TryParse(args[1], out var size)) return Usage($"cannot read size '{args[1]}'");
        var plan = SyntheticLargeModel.MakePlan(size);
        var watch = Stopwatch.StartNew();
        SyntheticLargeModel.Write(args[2], plan);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {args[2]}: {size} bytes, {plan.TotalLayers} layers ({plan.Layers} innerProduct {plan.Width}x{plan.Width} fp16 + 1 loadConstantND), " +
            $"{watch.Elapsed.TotalSeconds:F1} s, peak RSS {PeakRss.Describe()}"));
        return 0;
    }

    /// <summary>
    /// <c>make-program --ops N OUT.mlpackage</c>: an ML program of N ops (a chain of fp16 relu / sigmoid / tanh / add,
    /// each add also taking the value two steps back, on a [1,64,32,32] tensor), for the read-and-analyse scaling
    /// figures (10k → 100k ops) in docs/performance.md.
    /// </summary>
    public static int MakeProgram(string[] args)
    {
        if (args.Length != 3 || args[0] != "--ops" || !int.TryParse(args[1], out var count) || count < 1)
            return Usage("make-program --ops N OUT.mlpackage");
        var watch = Stopwatch.StartNew();
        var type = MilTypes.Tensor(AneCompat.Schema.Mil.DataType.Float16, 1, 64, 32, 32);
        var kinds = new[] { "relu", "sigmoid", "tanh", "add" };
        new MlProgramBuilder().Function("main", f =>
        {
            f.Input("x", type);
            var previous = "x";
            var before = "x";
            for (var i = 0; i < count; i++)
            {
                var kind = kinds[i % kinds.Length];
                var inputs = kind == "add" ? new MilInputs { ["x"] = previous, ["y"] = before } : new MilInputs { ["x"] = previous };
                var name = $"v{i}";
                f.Op(kind, inputs, name, type);
                (before, previous) = (previous, name);
            }
            f.Output(previous);
        }).WritePackage(args[2], replaceExisting: true);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {args[2]}: {count} ops in {watch.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }

    /// <summary><c>measure PATH</c>: reads a model once with ModelReader.Read and prints time and peak memory.</summary>
    public static int Measure(string[] args)
    {
        if (args.Length != 1) return Usage("measure PATH");
        var watch = Stopwatch.StartNew();
        try
        {
            var graph = ModelReader.Read(args[0]);
            watch.Stop();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{args[0]}: read in {watch.Elapsed.TotalMilliseconds:F0} ms, {graph.AllOps().Count()} ops, peak RSS {PeakRss.Describe()}"));
            return 0;
        }
        catch (ModelReadException e)
        {
            Console.Error.WriteLine(e.Message);
            return 3;
        }
    }

    /// <summary><c>make-schema-tables</c>: regenerates the reader's schema tables after a .proto change (run from the repository root).</summary>
    public static int MakeSchemaTables(string[] args)
    {
        if (args.Length != 0) return Usage("make-schema-tables   (run from the repository root)");
        File.WriteAllText(SchemaTablesGenerator.RelativePath, SchemaTablesGenerator.Generate());
        Console.WriteLine($"wrote {SchemaTablesGenerator.RelativePath}");
        return 0;
    }

    /// <summary><c>make-catalog-tables</c>: recompiles the rule base after an edit of src/AneCompat/Rules/Data (run from the repository root).</summary>
    public static int MakeCatalogTables(string[] args)
    {
        if (args.Length != 0) return Usage("make-catalog-tables   (run from the repository root)");
        File.WriteAllText(CatalogTablesGenerator.TablesPath, CatalogTablesGenerator.GenerateTables("."));
        File.WriteAllText(CatalogTablesGenerator.RulesPath, CatalogTablesGenerator.GenerateRules("."));
        Console.WriteLine($"wrote {CatalogTablesGenerator.TablesPath} and {CatalogTablesGenerator.RulesPath}");
        return 0;
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"usage: dotnet run --project bench/AneCompat.Bench -c Release -- {message}");
        return 5;
    }
}
