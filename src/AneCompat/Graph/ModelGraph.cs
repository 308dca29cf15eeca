namespace AneCompat.Graph;

/// <summary>Which on-disk form the model came from.</summary>
public enum ContainerKind { MlModel, MlPackage, MlModelC }

/// <summary>Something the reader noticed but could work around (a missing weight file, a missing metadata.json, …).</summary>
public sealed record ReadWarning(string Code, string Message);

/// <summary>
/// One format-neutral graph for a model file: a tree of models (pipelines) whose neural members hold functions of
/// ops with types and shapes. Every later stage reads only this.
/// </summary>
public sealed class ModelGraph
{
    public required string SourcePath { get; init; }
    public required ContainerKind Container { get; init; }
    public required ModelNode Root { get; init; }
    public List<ReadWarning> Warnings { get; } = new();

    /// <summary>User metadata (author, license, version, coremltools keys) when present.</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>Total bytes of weights referenced by the model (counted from headers and lengths, never read).</summary>
    public long WeightBytes => Diagnostics.Saturating.Sum(AllOps().Select(o => o.WeightBytes));

    /// <summary>Every op in execution order: pipeline members in order, functions in order, nested blocks after their parent.</summary>
    public IEnumerable<Op> AllOps()
    {
        foreach (var node in Root.SelfAndDescendants())
            foreach (var f in node.Functions)
                foreach (var op in f.Body.AllOps())
                    yield return op;
    }

    /// <summary>Numbers every op in execution order. Decoders call this once the graph is complete.</summary>
    public void AssignIndices()
    {
        var i = 0;
        foreach (var op in AllOps()) op.Index = i++;
    }

    /// <summary>Op counts by source type name (what expected-ops.json records).</summary>
    public IReadOnlyDictionary<string, int> CountBySource() =>
        AllOps().GroupBy(o => o.Source).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}
