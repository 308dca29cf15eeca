using AneCompat.Building;
using AneCompat.Schema;
using AneCompat.Schema.Mil;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Surgery;

/// <summary>S19 on ML programs, and the multi-function / stateful refusals.</summary>
public class FixProgramTests
{
    private static MlProgramBuilder Program(int spec, bool stateful = false) => new MlProgramBuilder().SpecificationVersion(spec)
        .Function("main", f =>
        {
            f.Input("x", MilTypes.Tensor(DataType.Float32, 1, 8));
            if (stateful) f.State("k", MilTypes.Tensor(DataType.Float16, 1, 8));
            f.Const("to16", MilValues.String("fp16"))
             .Op("cast", new MilInputs { ["x"] = "x", ["dtype"] = "to16" }, "x16", MilTypes.Tensor(DataType.Float16, 1, 8))
             .Op("relu", new MilInputs { ["x"] = "x16" }, "r", MilTypes.Tensor(DataType.Float16, 1, 8))
             .Op("cast", new MilInputs { ["x"] = "r", ["dtype"] = MilValues.String("fp32") }, "y", MilTypes.Tensor(DataType.Float32, 1, 8))
             .Output("y");
        });

    [Fact]
    public void Fp32_io_around_an_fp16_program_becomes_fp16_io_and_the_spec_version_rises_to_7()
    {
        using var dir = new TempDir();
        Program(6).WritePackage(dir.File("in.mlpackage"));
        var before = CorpusHashes.Snapshot(dir.File("in.mlpackage"));
        var o = AneCompat.Surgery.FixRunner.Run(dir.File("in.mlpackage"), dir.File("out.mlpackage"), new AneCompat.Surgery.FixOptions(), dryRun: false);
        CorpusHashes.AssertUnchanged(before, CorpusHashes.Snapshot(dir.File("in.mlpackage")));
        Assert.Equal(2, o.Plan.Applied.Count(p => p.Fix.Id == "S19"));
        Assert.Equal((6, 7), o.Plan.SpecificationVersions[""]);
        var m = FixTestSupport.ReadWhole(dir.File("out.mlpackage/Data/com.apple.CoreML/model.mlmodel"));
        Assert.Equal(7, m.SpecificationVersion);
        Assert.Equal(ArrayFeatureType.Types.ArrayDataType.Float16, m.Description.Input.Single().Type.MultiArrayType.DataType);
        Assert.Equal(ArrayFeatureType.Types.ArrayDataType.Float16, m.Description.Output.Single().Type.MultiArrayType.DataType);
        var main = m.MlProgram.Functions["main"];
        Assert.Equal(DataType.Float16, main.Inputs.Single().Type.TensorType.DataType);
        var ops = main.BlockSpecializations[main.Opset].Operations;
        Assert.Equal(new[] { "const", "identity", "relu", "identity" }, ops.Select(op => op.Type));
        Assert.Equal(DataType.Float16, ops[3].Outputs.Single().Type.TensorType.DataType);
        Assert.Equal("x", ops[1].Inputs["x"].Arguments.Single().Name);
        Assert.NotNull(o.After); // re-reads and analyses
    }

    [Fact]
    public void A_stateful_program_is_refused_when_S19_would_touch_it()
    {
        using var dir = new TempDir();
        Program(9, stateful: true).WritePackage(dir.File("in.mlpackage"));
        var cli = CliRunner.Run("fix", dir.File("in.mlpackage"), "-o", dir.File("out.mlpackage"));
        Assert.Equal(5, cli.ExitCode);
        Assert.StartsWith("anecompat: fix: refused: stateful ML program: S19 would change the interface of", cli.Stderr);
        Assert.Equal(new[] { "in.mlpackage" }, dir.Entries());
    }

    [Fact]
    public void A_multi_function_program_is_refused_when_S19_would_touch_it()
    {
        using var dir = new TempDir();
        Program(9).Function("other", f => f.Input("z", MilTypes.Tensor(DataType.Float16, 1, 8))
            .Op("relu", new MilInputs { ["x"] = "z" }, "w", MilTypes.Tensor(DataType.Float16, 1, 8)).Output("w"))
            .WritePackage(dir.File("in.mlpackage"));
        var cli = CliRunner.Run("fix", dir.File("in.mlpackage"), "-o", dir.File("out.mlpackage"));
        Assert.Equal(5, cli.ExitCode);
        Assert.StartsWith("anecompat: fix: refused: multi-function ML program: S19", cli.Stderr);
        Assert.Equal(new[] { "in.mlpackage" }, dir.Entries());
    }
}
