using System.Diagnostics;
using System.Text.Json;
using AneCompat.Building;
using AneCompat.Comparison.PlanComparison;
using AneCompat.Planning;
using AneCompat.Schema.Mil;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Cli;

/// <summary><c>anecompat compare MODEL PLAN</c> and <c>anecompat plan-script</c> on an ML program built in code.</summary>
public class CompareCommandTests
{
    // a, b: fp16 [640, 640] → matmul c (524 MFLOP, ≈0.66 ms on the CPU: ANE by the cost model) → relu d.
    private static string Model(TempDir dir)
    {
        var path = dir.File("mm.mlpackage");
        var t = MilTypes.Tensor(DataType.Float16, 640, 640);
        new MlProgramBuilder().Function("main", f => f
                .Input("a", t).Input("b", t)
                .Op("matmul", new MilInputs { ["x"] = "a", ["y"] = "b", ["transpose_x"] = MilValues.Bool(false), ["transpose_y"] = MilValues.Bool(false) }, "c", t)
                .Op("relu", new MilInputs { ["x"] = "c" }, "d", t)
                .Output("d"))
            .WritePackage(path);
        return path;
    }

    private static string Plan(TempDir dir, string matmulPreferred, string reluSupported) => dir.Write("plan.json", $$"""
        {
         "format": "anecompat-compute-plan", "version": 1, "model": "mm.mlmodelc", "computeUnits": "all",
         "os": "macOS 15.3", "chip": "Apple M4", "tool": "coremltools 8.3",
         "ops": [
          {"function": "main", "name": "c", "type": "ios17.matmul", "preferred": "{{matmulPreferred}}", "supported": ["cpu", "gpu", "ane"], "cost": 0.93},
          {"function": "main", "name": "d", "type": "ios17.relu", "preferred": "ane", "supported": {{reluSupported}}, "cost": 0.07}
         ]
        }
        """);

    [Fact]
    public void AgreeingPlanGivesFullAgreementAndNoDisagreement()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run("compare", Model(dir), Plan(dir, "ane", """["cpu", "gpu", "ane"]"""));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("ours: target M4, compute units all", r.Stdout); // chip and compute units taken from the plan
        Assert.Contains("matched 2 of 2 plan ops", r.Stdout);
        Assert.Contains("placement (ours vs preferred device): 2/2 agree (100 %)", r.Stdout);
        Assert.Contains("eligibility (ours vs ANE among supported devices): 2/2 agree (100 %)", r.Stdout);
        Assert.Contains("no disagreement", r.Stdout);
    }

    [Fact]
    public void DisagreeingPlanNamesTheOpsAndTheRulesAndCostsBehindOurAnswer()
    {
        using var dir = new TempDir();
        var model = Model(dir);
        var r = CliRunner.Run("compare", model, Plan(dir, "cpu", """["cpu", "gpu"]"""));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("placement (ours vs preferred device): 1/2 agree (50 %)", r.Stdout);
        Assert.Contains("eligibility (ours vs ANE among supported devices): 1/2 agree (50 %)", r.Stdout);
        var lines = r.Stdout.Split('\n');
        var matmul = Assert.Single(lines, l => l.Contains("matmul 'c'"));
        Assert.Contains("placement differs — ours ANE (eligible) vs Core ML CPU (supported CPU, GPU, ANE)", matmul);
        Assert.Contains("cost: CPU ≈0.68 ms vs ANE ≈0.25 ms", matmul); // the region (matmul + relu) behind our answer
        var relu = Assert.Single(lines, l => l.Contains("relu 'd'"));
        Assert.Contains("eligibility differs", relu);
        Assert.Contains("because: ANE-eligible", relu);

        var json = CliRunner.Run("compare", model, dir.File("plan.json"), "--format", "json");
        Assert.Equal(0, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Stdout);
        var overall = doc.RootElement.GetProperty("overall");
        Assert.Equal((1, 2, 1, 2), (overall.GetProperty("placementAgree").GetInt32(), overall.GetProperty("placementOf").GetInt32(),
            overall.GetProperty("eligibilityAgree").GetInt32(), overall.GetProperty("eligibilityOf").GetInt32()));
        var op = doc.RootElement.GetProperty("ops")[0];
        Assert.False(op.GetProperty("placementAgrees").GetBoolean());
        Assert.Equal("ane", op.GetProperty("ours").GetProperty("device").GetString());
        Assert.Equal("cpu", op.GetProperty("preferred").GetString());
        Assert.Equal(2, doc.RootElement.GetProperty("disagreements").GetArrayLength());
        var kinds = doc.RootElement.GetProperty("kinds").EnumerateArray().Select(k => k.GetProperty("kind").GetString()).Order();
        Assert.Equal(new[] { "matmul", "relu" }, kinds);
    }

    [Fact]
    public void PastedCoremltoolsPrintoutIsMatchedInProgramOrder()
    {
        using var dir = new TempDir();
        var printout = dir.Write("plan.txt", """
            op=matmul preferred=MLCPUComputeDevice supported=[MLCPU, MLGPU, MLNeuralEngine]
            op=relu preferred=MLCPUComputeDevice supported=[MLCPU, MLGPU, MLNeuralEngine]
            """);
        var r = CliRunner.Run("compare", Model(dir), printout, "--target", "M4");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("matched 2 of 2 plan ops", r.Stdout);
        Assert.Contains("placement (ours vs preferred device): 0/2 agree (0 %)", r.Stdout);
        Assert.Contains("eligibility (ours vs ANE among supported devices): 2/2 agree (100 %)", r.Stdout);
        Assert.Contains("#0 matmul 'c'", r.Stdout);
    }

    [Theory]
    [InlineData("not a plan at all")]
    [InlineData("{\"ops\": 3}")]
    [InlineData("{\"ops\": [{\"type\": \"matmul\", \"preferred\": \"tpu\"}]}")]
    [InlineData("{\"ops\": [{\"type\": \"matmul\", \"cost\": \"cheap\"}]}")]
    [InlineData("{\"ops\": []}")]
    [InlineData("{\"ops\": [")]
    [InlineData("op=matmul preferred=MLCPUComputeDevice supported=[MLCPU, MLQuantum]")]
    public void MalformedPlanExits3WithOneLineNamingTheFile(string content)
    {
        using var dir = new TempDir();
        var plan = dir.Write("broken-plan.json", content);
        var r = CliRunner.Run("compare", Model(dir), plan);
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("", r.Stdout);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("anecompat: ", line);
        Assert.Contains("broken-plan.json", line);
    }

    [Fact]
    public void MissingPlanFileExits3()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run("compare", Model(dir), dir.File("nope.json"));
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("nope.json", r.Stderr);
    }

    [Fact]
    public void ReaderAcceptsEveryDeviceSpellingAndDropsOpsetPrefixes()
    {
        var plan = ObservedPlanReader.Parse("""
            # pasted from coremltools
            op=ios18.scaled_dot_product_attention preferred=MLNeuralEngineComputeDevice supported=[MLCPUComputeDevice, MLGPUComputeDevice, MLNeuralEngineComputeDevice]
            op=const preferred=None supported=[]
            op=ios16.cast name=y preferred=MLGPU supported=[MLCPU, MLGPU] cost=0.25
            """, "pasted.txt");
        Assert.Equal(new[] { "scaled_dot_product_attention", "const", "cast" }, plan.Ops.Select(o => o.Type));
        Assert.Equal(new Device?[] { Device.Ane, null, Device.Gpu }, plan.Ops.Select(o => o.Preferred));
        Assert.Equal(new[] { Device.Cpu, Device.Gpu, Device.Ane }, plan.Ops[0].Supported);
        Assert.Equal(("y", 0.25), (plan.Ops[2].Name, plan.Ops[2].Cost!.Value));
    }

    [Fact]
    public void TheDocumentedPlanExampleParses()
    {
        // docs/compute-plan.md shows the JSON the scripts write; the parser must read it as documented.
        var doc = File.ReadAllText(Path.Combine(Corpus.RepoRoot, "docs", "compute-plan.md"));
        var start = doc.IndexOf("```json", StringComparison.Ordinal) + "```json".Length;
        var end = doc.IndexOf("```", start, StringComparison.Ordinal);
        var plan = ObservedPlanReader.Parse(doc[start..end], "compute-plan.md");
        Assert.Equal("all", plan.ComputeUnits);
        Assert.Equal("Apple M4", plan.Chip);
        Assert.Contains(plan.Ops, o => o.Preferred == Device.Ane && o.Cost is not null);
        Assert.Contains(plan.Ops, o => o.Preferred is null && o.Type == "const");
    }

    [Fact]
    public void PlanScriptPrintsPythonByDefaultAndSwiftOnRequest()
    {
        var py = CliRunner.Run("plan-script");
        Assert.Equal(0, py.ExitCode);
        Assert.Contains("MLComputePlan.load_from_path", py.Stdout);
        Assert.Contains("get_compute_device_usage_for_mlprogram_operation", py.Stdout);
        Assert.Contains("get_estimated_cost_for_mlprogram_operation", py.Stdout);
        Assert.Contains("\"computeUnits\"", py.Stdout);
        Assert.Equal(py.Stdout, CliRunner.Run("plan-script", "--python").Stdout);

        var swift = CliRunner.Run("plan-script", "--swift");
        Assert.Equal(0, swift.ExitCode);
        Assert.Contains("MLComputePlan.load(contentsOf:", swift.Stdout);
        Assert.Contains("plan.deviceUsage(for: op)", swift.Stdout);
        Assert.Contains("plan.estimatedCost(of: op)", swift.Stdout);

        Assert.Equal(5, CliRunner.Run("plan-script", "--swift", "--python").ExitCode);
    }

    [Fact]
    public void PythonPlanScriptIsValidPython()
    {
        using var dir = new TempDir();
        var script = dir.Write("coreml_plan.py", CliRunner.Run("plan-script").Stdout);
        using var p = Process.Start(new ProcessStartInfo("python3", $"-m py_compile \"{script}\"") { RedirectStandardError = true, UseShellExecute = false })!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
    }
}
