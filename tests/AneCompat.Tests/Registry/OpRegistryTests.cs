using System.Text.RegularExpressions;
using AneCompat.Decoders.NeuralNetwork;
using AneCompat.Planning;
using AneCompat.Registry;
using AneCompat.Rules;
using AneCompat.Rules.Catalog;
using AneCompat.Schema;
using AneCompat.Targets;
using AneCompat.Tests.Support;
using L = AneCompat.Schema.NeuralNetworkLayer.LayerOneofCase;

namespace AneCompat.Tests.Registry;

/// <summary>The op registry is the one owner of the op vocabulary: every spelling resolves to one defined kind.</summary>
public class OpRegistryTests
{
    /// <summary>Kinds whose work is unknowable from the file by design; adding one must be a deliberate edit here.</summary>
    private static readonly string[] Opaque = { "custom", "unknown" };

    /// <summary>Every kind any decoder can emit: each NN layer oneof case (with its parameter refinements), every MIL op
    /// of the catalog (bare and opset-qualified), every espresso layer type of the catalog (with its mode codes).</summary>
    public static IEnumerable<(string Spelling, OpKind? Kind)> EveryEmittableKind()
    {
        foreach (var c in Enum.GetValues<L>().Where(c => c != L.None))
        {
            var name = NeuralNetworkLayerKinds.SourceName(c);
            yield return ($"NN {name}", OpRegistry.Resolve(SpellingFormat.NeuralNetworkLayer, name));
        }
        foreach (var k in NeuralNetworkKindHooks.RefinedKinds) yield return ($"NN refinement {k}", OpRegistry.Find(k));
        foreach (var op in RuleCatalog.Default.Table(OpTable.MilOp))
        {
            yield return ($"MIL {op.Name}", OpRegistry.MilOp(op.Name));
            yield return ($"MIL ios17.{op.Name}", OpRegistry.MilOp("ios17." + op.Name));
        }
        foreach (var layer in RuleCatalog.Default.Table(OpTable.EspressoLayer))
            yield return ($"espresso {layer.Name}", OpRegistry.Resolve(SpellingFormat.EspressoLayer, layer.Name));
        foreach (var k in EspressoKindHooks.RefinedKinds) yield return ($"espresso mode {k}", OpRegistry.Find(k));
        yield return ("unrecognised", OpRegistry.Unknown);
    }

    [Fact]
    public void EveryKindEveryDecoderCanEmitResolvesToOneDefinitionWithACostFormula()
    {
        var all = EveryEmittableKind().ToList();
        Assert.True(all.Count > 158 + 170 + 24, $"only {all.Count} spellings enumerated");
        foreach (var (spelling, kind) in all)
        {
            Assert.True(kind is not null, $"{spelling} resolves to no registry kind");
            Assert.Same(kind, OpRegistry.Get(kind!.Name)); // one definition per name
            Assert.NotNull(kind.Cost);
            if (kind.Cost.Shape == CostShape.Opaque) Assert.Contains(kind.Name, Opaque);
            if (kind.Cost.Shape is not (CostShape.NoArithmetic or CostShape.Opaque)) Assert.True(kind.Cost.Factor > 0, kind.Name);
        }
        Assert.DoesNotContain(all, x => x.Kind == OpRegistry.Unknown && x.Spelling != "unrecognised" && !x.Spelling.StartsWith("MIL ios17.", StringComparison.Ordinal));
    }

    [CorpusFact]
    public void NoDecoderEmitsAKindTheRegistryLacks()
    {
        var seen = 0;
        foreach (var key in Corpus.Expected.Keys)
        {
            ModelGraphFor(key, out var graph);
            if (graph is null) continue;
            foreach (var op in graph.AllOps())
            {
                Assert.True(OpRegistry.Find(op.Kind) is not null, $"{key}: op #{op.Index} '{op.Source}' has kind '{op.Kind}', which the registry lacks");
                seen++;
            }
        }
        Assert.True(seen > 1000, $"only {seen} ops decoded");
    }

    private static void ModelGraphFor(string key, out Graph.ModelGraph? graph)
    {
        try { graph = ModelReader.Read(Corpus.Path(key)); }
        catch (Diagnostics.ModelReadException) { graph = null; }
    }

    [Fact]
    public void CatalogKindColumnAndRegistryAgreeForEveryNeuralNetworkLayer()
    {
        foreach (var row in RuleCatalog.Default.Table(OpTable.NeuralNetworkLayer))
            Assert.Equal(row.Kind, OpRegistry.Resolve(SpellingFormat.NeuralNetworkLayer, row.Name)!.Name);
        Assert.Equal(158, RuleCatalog.Default.Table(OpTable.NeuralNetworkLayer).Count());
    }

    /// <summary>The 12 NN layers on which the decoder table and the catalog disagreed, each resolved deliberately.</summary>
    [Theory]
    [InlineData("embedding", "embedding")]             // a constant-table lookup with its own weights; rules know it
    [InlineData("embeddingND", "embedding")]
    [InlineData("mvn", "mvn")]                         // no MIL op; the decoder's name had no cost formula
    [InlineData("upsample", "upsample_nearest_neighbor")] // MIL spelling; bilinear mode refines to upsample_bilinear
    [InlineData("scale", "scale")]                     // per-channel affine with weights, not a runtime mul
    [InlineData("bias", "bias")]
    [InlineData("dot", "dot")]
    [InlineData("rangeStatic", "range_1d")]            // MIL spelling, as rangeDynamic
    [InlineData("reshapeLike", "reshape_like")]        // MIL has reshape_like
    [InlineData("pooling3d", "pool")]                  // refined to max_pool / avg_pool like 2-D pooling
    [InlineData("globalPooling3d", "pool")]
    [InlineData("convolution3d", "conv")]              // MIL conv covers 3-D; refined to conv_transpose when deconvolving
    public void FormerDisagreementsResolveToOneKind(string layer, string kind) =>
        Assert.Equal(kind, OpRegistry.Resolve(SpellingFormat.NeuralNetworkLayer, layer)!.Name);

    [Fact]
    public void TypedKindHandlesAreInSyncWithTheTable()
    {
        var generated = File.ReadAllText(Path.Combine(Corpus.RepoRoot, "src", "AneCompat", "Registry", "OpKinds.g.cs"));
        var names = Regex.Matches(generated, "OpRegistry.Get\\(\"([^\"]+)\"\\)").Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Equal(OpRegistry.Kinds.Select(k => k.Name).OrderBy(n => n, StringComparer.Ordinal), names.OrderBy(n => n, StringComparer.Ordinal));
        Assert.Same(OpRegistry.Get("conv"), OpKinds.Conv);
    }

    [Fact]
    public void ConstantIsAnsweredByTheRoleColumn()
    {
        var constants = OpRegistry.Kinds.Where(k => k.IsConstant).Select(k => k.Name).ToList();
        Assert.Contains("const", constants);
        Assert.All(constants, n => Assert.True(n == "const" || n == "_const_symbolic" || n.StartsWith("constexpr_", StringComparison.Ordinal), n));
        Assert.Equal(KindRole.ControlFlow, OpKinds.WhileLoop.Role);
        Assert.Same(OpKinds.Const, OpRegistry.Resolve(SpellingFormat.NeuralNetworkLayer, "loadConstantND"));
    }

    [Fact]
    public void EveryCheckRegistersForRegistryKindsOnly()
    {
        // The engine's construction resolves every check's kinds; a kind the registry lacks cannot be written.
        var engine = RuleEngine.Default;
        Assert.NotNull(engine);
        Assert.All(BuiltInChecks.OpRules.SelectMany(r => r.Kinds), k => Assert.Same(k, OpRegistry.Get(k.Name)));
    }

    [Fact]
    public void EspressoLookupInnerProductIsBoundedByItsRows()
    {
        var dir = Path.Combine(Path.GetTempPath(), "anecompat-lookup-" + Guid.NewGuid().ToString("N"), "lookup.mlmodelc");
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "model.espresso.net"), """
                { "storage": "model.espresso.weights", "format_version": 200, "properties": {}, "analyses": {}, "metadata_in_weights": [],
                  "layers": [
                    { "type": "inner_product", "name": "emb", "bottom": "ids", "top": "vectors", "nB": 40000, "nC": 8, "is_lookup": 1, "weights": {} },
                    { "type": "inner_product", "name": "fc", "bottom": "vectors", "top": "output", "nB": 40000, "nC": 8, "weights": {} } ] }
                """);
            var a = RuleEngine.Default.Evaluate(ModelReader.Read(dir), ChipProfiles.Default);
            var f = Assert.Single(a.Findings, x => x.RuleId == "DIM-LOOKUP-NB");
            Assert.Equal("emb", a.Graph.AllOps().First(o => o.Index == f.OpIndex).Name);
            Assert.Contains("40000", f.Message);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(dir)!, recursive: true);
        }
    }

    [Fact]
    public void WorkClassAndCostComeFromTheKindsDefinition()
    {
        var f = new GraphFactory();
        var conv = f.Conv("x", "c", 3, 8, 16, 16);
        Assert.Equal(KindWork.Matrix, OpRegistry.Of(conv).Work);
        Assert.Equal(KindWork.Strided, OpRegistry.Of(f.Add("transpose", "t", GraphFactory.Fp16(8, 8), ("a", GraphFactory.Fp16(8, 8)))).Work);
        Assert.Equal(KindWork.Metadata, OpRegistry.Of(f.Add("reshape", "r", GraphFactory.Fp16(64), ("a", GraphFactory.Fp16(8, 8)))).Work);
        Assert.Equal(KindWork.Copy, OpRegistry.Of(f.Add("concat", "k", GraphFactory.Fp16(16, 8), ("a", GraphFactory.Fp16(8, 8)))).Work);
        Assert.Equal(KindWork.Unknown, OpRegistry.Of(f.Add("some_future_op", "u", GraphFactory.Fp16(4))).Work);
        // An LSTM's work is counted (4 gates × 2 × T·H × (I + H)), not left unknown.
        var lstm = f.Add("lstm", "h", GraphFactory.Fp16(10, 1, 32), ("x", GraphFactory.Fp16(10, 1, 16)));
        lstm.Attributes[Graph.Attr.InChannels] = 16L;
        lstm.Attributes[Graph.Attr.OutChannels] = 32L;
        Assert.Equal(4L * 2 * 10 * 32 * (16 + 32), CostModel.Flops(lstm));
    }

    [Fact]
    public void WorkColumnAgreesWithRoleAndCost()
    {
        foreach (var k in OpRegistry.Kinds)
        {
            if (k.IsConstant) Assert.True(k.Work == KindWork.Metadata, k.Name);
            if (k.Cost.Shape == CostShape.Opaque) Assert.True(k.Work == KindWork.Unknown, k.Name);
            if (k.Cost.Shape is CostShape.Conv or CostShape.ConvTranspose or CostShape.Linear or CostShape.Matmul or CostShape.Attention)
                Assert.True(k.Work == KindWork.Matrix, k.Name);
            if (k.Work is KindWork.Metadata or KindWork.Copy or KindWork.Strided && !k.IsConstant)
                Assert.True(k.Cost.Shape == CostShape.NoArithmetic, k.Name);
        }
        Assert.Equal(KindWork.Metadata, OpRegistry.Get("squeeze").Work);
        Assert.Equal(KindWork.Strided, OpRegistry.Get("batch_to_space").Work);
    }
}
