using System.Text.Json;
using AneCompat.Registry;
using AneCompat.Rules.Catalog;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Registry;

/// <summary>Espresso layer types decode to the kind the fact base gives them, never to <c>unknown</c>.</summary>
public class EspressoKindTests
{
    [Theory]
    [InlineData("relu", "relu")]
    [InlineData("tanh", "tanh")]
    [InlineData("batch_norm", "batch_norm")]
    [InlineData("batchnorm", "batch_norm")]
    [InlineData("convolution", "conv")]
    public void TypesOutsideTheTableResolveThroughTheHooks(string type, string kind) =>
        Assert.Same(OpRegistry.Get(kind), EspressoKindHooks.KindOf(type, _ => null));

    [Fact]
    public void UnlistedTypesStayOutsideTheCatalogTable() =>
        Assert.All(EspressoKindHooks.UnlistedTypes, t => Assert.Null(RuleCatalog.Default.Op(OpTable.EspressoLayer, t)));

    /// <summary>A type the fact base knows: a row of any status table, or a canonical kind of that name.</summary>
    private static bool FactBaseKnows(string type) =>
        RuleCatalog.Default.Op(OpTable.EspressoLayer, type) is not null || RuleCatalog.Default.Op(OpTable.MilOp, type) is not null
        || RuleCatalog.Default.Op(OpTable.NeuralNetworkLayer, type) is not null || OpRegistry.Find(type) is not null;

    [CorpusFact]
    public void NoEspressoTypeOfTheCorpusDecodesToUnknown()
    {
        var nets = Directory.EnumerateFiles(Corpus.Dir, "model.espresso.net", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(nets);
        var types = new SortedSet<string>(StringComparer.Ordinal);
        var unknown = new SortedSet<string>(StringComparer.Ordinal);
        var options = new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };
        foreach (var net in nets)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(net), options);
            foreach (var layer in doc.RootElement.GetProperty("layers").EnumerateArray())
            {
                if (!layer.TryGetProperty("type", out var t) || t.GetString() is not { } type) continue;
                types.Add(type);
                long? Code(string key) => layer.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;
                if (FactBaseKnows(type) && EspressoKindHooks.KindOf(type, Code) == OpRegistry.Unknown)
                    unknown.Add($"{type} ({Path.GetRelativePath(Corpus.Dir, net)})");
            }
        }
        Assert.NotEmpty(types);
        Assert.True(unknown.Count == 0, "espresso types decoding to unknown: " + string.Join(", ", unknown));
    }
}
