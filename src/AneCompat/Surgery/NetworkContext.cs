using AneCompat.Graph;
using AneCompat.Schema;
using AneCompat.Writing;

namespace AneCompat.Surgery;

/// <summary>
/// One NeuralNetwork of the model as the fixes see it: its layers (structure only), who produces and reads every
/// blob, the shapes the analysis inferred, the model's outputs, and the layers on an updatable model's
/// back-propagation path. Layers a fix rewrites are read whole from the original file on demand.
/// </summary>
public sealed class NetworkContext
{
    private readonly Dictionary<int, NeuralNetworkLayer> _full = new();
    private readonly HashSet<string> _names;

    public NetworkContext(ModelSite site, ModelGraph? graph, FixOptions options)
    {
        Site = site;
        Options = options;
        Layers = site.Layers ?? [];
        for (var i = 0; i < Layers.Count; i++)
        {
            foreach (var o in Layers[i].Output) Producers.TryAdd(o, i);
            foreach (var inp in Layers[i].Input)
            {
                if (!Consumers.TryGetValue(inp, out var list)) Consumers[inp] = list = new List<int>();
                list.Add(i);
            }
        }
        var description = site.Spec.Description;
        if (description is not null)
        {
            foreach (var o in description.Output) ModelOutputs.Add(o.Name);
            foreach (var inp in description.Input) ModelInputs.Add(inp.Name);
        }
        if (graph is not null)
        {
            // Shapes as the analysis inferred them: the member's function inputs and the outputs of every op whose
            // origin is this member (nested branch/loop bodies included).
            var node = graph.Root.SelfAndDescendants().FirstOrDefault(n => n.Path == site.Path);
            foreach (var v in node?.Functions.SelectMany(f => f.Inputs) ?? [])
                Shapes.TryAdd(v.Name, v.Type.Shape);
            foreach (var op in graph.AllOps().Where(o => o.Origin.Format == OpSourceFormat.NeuralNetwork && o.Origin.Member == site.Path))
                foreach (var v in op.Outputs) Shapes.TryAdd(v.Name, v.Type.Shape);
        }
        _names = new HashSet<string>(Producers.Keys.Concat(Consumers.Keys).Concat(ModelInputs).Concat(ModelOutputs)
            .Concat(Layers.Select(l => l.Name)), StringComparer.Ordinal);
        BackPropagationPath = FindBackPropagationPath();
    }

    public ModelSite Site { get; }
    public FixOptions Options { get; }
    public IReadOnlyList<NeuralNetworkLayer> Layers { get; }
    public Dictionary<string, int> Producers { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<int>> Consumers { get; } = new(StringComparer.Ordinal);
    public HashSet<string> ModelOutputs { get; } = new(StringComparer.Ordinal);
    public HashSet<string> ModelInputs { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, TensorShape> Shapes { get; } = new(StringComparer.Ordinal);

    /// <summary>Indices of layers between an updatable layer and the loss (rewriting them would change training).</summary>
    public IReadOnlySet<int> BackPropagationPath { get; }

    public string Member => Site.Path;

    /// <summary>The known static shape of a blob, or null.</summary>
    public long[]? ShapeOf(string blob) => Shapes.TryGetValue(blob, out var s) ? s.Sizes : null;

    /// <summary>Layer <paramref name="i"/> with its weights, read from the original file.</summary>
    public NeuralNetworkLayer Full(int i)
    {
        if (!_full.TryGetValue(i, out var layer)) _full[i] = layer = Site.ReadLayer(i);
        return layer;
    }

    /// <summary>The constant layer (loadConstant / loadConstantND) producing <paramref name="blob"/>, if any.</summary>
    public int? ConstantProducer(string blob) =>
        Producers.TryGetValue(blob, out var i) && Layers[i].LayerCase is NeuralNetworkLayer.LayerOneofCase.LoadConstantND or NeuralNetworkLayer.LayerOneofCase.LoadConstant
            ? i : null;

    /// <summary>A blob or layer name not used anywhere in the network, derived from <paramref name="stem"/>.</summary>
    public string UniqueName(string stem)
    {
        var name = stem;
        for (var n = 2; !_names.Add(name); n++) name = $"{stem}_{n}";
        return name;
    }

    private HashSet<int> FindBackPropagationPath()
    {
        var path = new HashSet<int>();
        if (!Site.Spec.IsUpdatable) return path;
        // Everything downstream of an updatable layer carries gradients back to it.
        var tainted = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Layers.Count; i++)
        {
            if (Layers[i].IsUpdatable || Layers[i].Input.Any(tainted.Contains))
            {
                path.Add(i);
                foreach (var o in Layers[i].Output) tainted.Add(o);
            }
        }
        return path;
    }
}

/// <summary>What the user asked <c>fix</c> for.</summary>
public sealed record FixOptions
{
    /// <summary>Only these fixes (by surgery id, e.g. S1) or rules (by rule id); empty = every default fix.</summary>
    public IReadOnlyCollection<string> Only { get; init; } = [];
    public bool AllowApproximate { get; init; }

    /// <summary>S7: replace dilated convolutions by dense ones with a larger kernel.</summary>
    public bool ExpandDilated { get; init; }

    /// <summary>S12: shapes for range inputs, by input name (one = fixed, several = enumerated, the first is the default).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<long[]>> Shapes { get; init; } = new Dictionary<string, IReadOnlyList<long[]>>();

    /// <summary>S11: the finite value that replaces −inf / huge mask constants.</summary>
    public float MaskFill { get; init; } = -1e4f;
}
