using AneCompat.Graph;
using AneCompat.Rules;
using AneCompat.Targets;
using AneCompat.Tests.Support;
using static AneCompat.Tests.Support.GraphBuilder;

namespace AneCompat.Tests.Rules;

public class ModelLevelRuleTests
{
    [Theory]
    [InlineData("glmRegressor", "MODEL-NONNN", Effect.ModelToCpuGpu)]
    [InlineData("textClassifier", "MODEL-NONNN", Effect.ModelToCpuGpu)]
    [InlineData("visionFeaturePrint", "MODEL-FEATUREPRINT", Effect.Unknown)]
    [InlineData("customModel", "MODEL-CUSTOM", Effect.OpToCpu)]
    [InlineData("linkedModel", "MODEL-LINKED", Effect.Unknown)]
    [InlineData("serializedModel", "MODEL-SERIALIZED", Effect.Unknown)]
    public void ModelTypes(string type, string rule, Effect effect)
    {
        var a = new GraphBuilder(ModelFamily.Classical, type).Evaluate();
        Assert.Equal(effect, Assert.Single(a.ModelLevel, f => f.RuleId == rule).Effect);
    }

    [Fact]
    public void ClassicalMemberOfAPipelineDoesNotBlockTheNeuralMember()
    {
        var root = new ModelNode { ModelType = "pipeline", Family = ModelFamily.Pipeline };
        var nn = new ModelNode { Path = "models[0]", ModelType = "neuralNetwork", Family = ModelFamily.NeuralNetwork };
        var main = new GraphFunction { Name = "main" };
        main.Body.Ops.Add(new Op { Kind = "activation", Source = "activation", Function = "models[0]/main" });
        nn.Functions.Add(main);
        root.Children.Add(nn);
        root.Children.Add(new ModelNode { Path = "models[1]", ModelType = "nonMaximumSuppression", Family = ModelFamily.Classical });
        var g = new ModelGraph { SourcePath = "t", Container = ContainerKind.MlModel, Root = root };
        g.AssignIndices();
        var a = RuleEngine.Default.Evaluate(g, ChipProfiles.Default);
        var nms = Assert.Single(a.ModelLevel, f => f.RuleId == "MODEL-NONNN");
        Assert.Equal("models[1]", nms.ModelPath);
        Assert.False(a.IsBlocked(0));
    }

    [Theory]
    [InlineData("A17Pro", 999_000_000L, false)]
    [InlineData("A17Pro", 1_100_000_000L, true)]   // 1 GB iPhone limit (Apple)
    [InlineData("M4", 1_100_000_000L, false)]      // ~2 GiB on macOS
    [InlineData("M4", 2_200_000_000L, true)]
    public void ModelSize(string chip, long bytes, bool flagged)
    {
        var b = new GraphBuilder();
        b.Op("const").Out("w", F16(1)).Op.WeightBytes = bytes;
        Assert.Equal(flagged, b.Evaluate(chip).ModelLevel.Count(f => f.RuleId == "COST-MODEL-SIZE") == 1);
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public void StateCount(int states, bool flagged)
    {
        var b = new GraphBuilder();
        for (var i = 0; i < states; i++) b.State($"s{i}", F16(1, 32, 64));
        Assert.Equal(flagged, b.Evaluate().ModelLevel.Count(f => f.RuleId == "STATE-COUNT") == 1);
    }

    [Theory]
    [InlineData(new long[] { 1, 32, 64 }, false)]
    [InlineData(new long[] { 1, 30, 64 }, true)]
    public void StateAlignment(long[] shape, bool flagged)
    {
        var b = new GraphBuilder().State("k", F16(shape));
        b.Op("read_state").In("input", "k", new Graph.ValueType(ValueKind.State, ElementType.Float16, TensorShape.Of(shape))).Out("y", F16(shape));
        Assert.Equal(flagged, b.Evaluate().Findings.Count(f => f.RuleId == "STATE-ALIGN32") == 1);
    }

    [Fact]
    public void Fp32StateStaysFp32()
    {
        var b = new GraphBuilder().State("k", F32(1, 32, 64));
        b.Op("write_state").In("input", "k", F32(1, 32, 64)).In("data", "d", F32(1, 32, 64));
        Assert.Single(b.Evaluate().Findings, f => f.RuleId == "STATE-DTYPE");
        var ok = new GraphBuilder().State("k", F16(1, 32, 64));
        ok.Op("write_state").In("input", "k", F16(1, 32, 64)).In("data", "d", F16(1, 32, 64));
        Assert.DoesNotContain(ok.Evaluate().Findings, f => f.RuleId == "STATE-DTYPE");
    }

    [Theory]
    [InlineData(new long[] { 64, 1 }, false)]   // per-channel
    [InlineData(new long[] { 64, 8 }, true)]    // per-block (block 32 over 256)
    public void BlockwiseQuantization(long[] scale, bool flagged)
    {
        var f = Run(o => o.Const("data", T(ElementType.Int4, 64, 256)).Const("scale", F16(scale)).Out("w", F16(64, 256)), "Q-BLOCKWISE", source: "constexpr_blockwise_shift_scale");
        Assert.Equal(flagged, f.Count == 1);
        if (flagged) Assert.Contains("open question 10", f[0].Message);
    }

    [Fact]
    public void EspressoHintFallbackIsSurfaced()
    {
        var b = new GraphBuilder(ModelFamily.NeuralNetwork, container: ContainerKind.MlModelC);
        b.Op("inner_product", "linear").Attr(Attr.HintFallbackFromAne, true).Out("y", F32(1, 8));
        b.Op("inner_product", "linear").Out("z", F32(1, 8));
        var a = b.Evaluate();
        var f = Assert.Single(a.Findings, x => x.RuleId == "HINT-FALLBACK");
        Assert.Equal(0, f.OpIndex);
        Assert.True(f.BlocksAne);
    }
}
