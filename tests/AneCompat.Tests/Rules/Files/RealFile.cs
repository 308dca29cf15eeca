using AneCompat.Building;
using AneCompat.Graph;
using AneCompat.Rules;
using AneCompat.Schema.Mil;
using ValueType = AneCompat.Schema.Mil.ValueType;
using AneCompat.Targets;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Rules.Files;

/// <summary>
/// Writes a tiny model with the builders, reads it back through <see cref="ModelReader"/> (container → decoder →
/// graph) and runs the full rule engine on it, so a check is exercised on what a decoder really emits.
/// </summary>
internal static class RealFile
{
    /// <summary>A NeuralNetwork <c>.mlmodel</c>.</summary>
    public static ModelGraph Nn(NeuralNetworkModelBuilder builder)
    {
        using var dir = new TempDir();
        var path = dir.File("model.mlmodel");
        builder.Write(path);
        return ModelReader.Read(path);
    }

    /// <summary>An ML program <c>.mlpackage</c> with one function <c>main</c>.</summary>
    public static ModelGraph Program(Action<MilFunctionBuilder> main, int specificationVersion = MlProgramBuilder.DefaultSpecificationVersion) =>
        Program(new MlProgramBuilder().SpecificationVersion(specificationVersion).Function("main", main));

    public static ModelGraph Program(MlProgramBuilder builder)
    {
        using var dir = new TempDir();
        var path = dir.File("model.mlpackage");
        builder.WritePackage(path);
        return ModelReader.Read(path);
    }

    public static Analysis Evaluate(ModelGraph graph, string chip) =>
        RuleEngine.Default.Evaluate(graph, ChipProfiles.Find(chip) ?? throw new ArgumentException($"no chip '{chip}'", nameof(chip)));

    /// <summary>The findings of one rule id on one chip.</summary>
    public static List<Finding> Findings(ModelGraph graph, string rule, string chip) =>
        Evaluate(graph, chip).Findings.Where(f => f.RuleId == rule).ToList();

    /// <summary>The single finding of <paramref name="rule"/>, whose message must name <paramref name="value"/>.</summary>
    public static Finding Fires(ModelGraph graph, string rule, string chip, string value)
    {
        var found = Findings(graph, rule, chip);
        var f = Assert.Single(found);
        Assert.Contains(value, f.Message);
        return f;
    }

    public static void Silent(ModelGraph graph, string rule, string chip) => Assert.Empty(Findings(graph, rule, chip));

    public static ValueType F16(params long[] shape) => MilTypes.Tensor(DataType.Float16, shape);
    public static ValueType F32(params long[] shape) => MilTypes.Tensor(DataType.Float32, shape);
    public static ValueType I32(params long[] shape) => MilTypes.Tensor(DataType.Int32, shape);
}
