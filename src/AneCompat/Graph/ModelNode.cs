namespace AneCompat.Graph;

/// <summary>What family a model (or pipeline member) belongs to, which decides how the ANE can see it.</summary>
public enum ModelFamily
{
    /// <summary>neuralNetwork, neuralNetworkClassifier, neuralNetworkRegressor, or a compiled espresso net.</summary>
    NeuralNetwork,
    /// <summary>mlProgram (MIL).</summary>
    MlProgram,
    /// <summary>pipeline, pipelineClassifier, pipelineRegressor.</summary>
    Pipeline,
    /// <summary>Classical ML and feature engineering (trees, GLM, SVM, scaler, …): CPU by design.</summary>
    Classical,
    /// <summary>Apple-provided models (text classifier, feature prints, …).</summary>
    AppleProvided,
    CustomModel,
    LinkedModel,
    Serialized,
    /// <summary>A compiled member whose body we could not see (only its description).</summary>
    Opaque,
    Unknown,
}

/// <summary>
/// A model or pipeline member. The root of a <see cref="ModelGraph"/> is one; pipelines have children.
/// </summary>
public sealed class ModelNode
{
    /// <summary>Position in the pipeline tree: "" for the root, "models[1]", "models[1]/models[0]".</summary>
    public string Path { get; init; } = "";

    /// <summary>Name of the pipeline member when the file names it.</summary>
    public string? Name { get; init; }

    /// <summary>The Model.Type member name as in the format (<c>neuralNetworkClassifier</c>, <c>mlProgram</c>, <c>glmRegressor</c>, …) or the compiled model type.</summary>
    public required string ModelType { get; init; }

    public ModelFamily Family { get; init; }
    public int SpecificationVersion { get; init; }
    public bool IsUpdatable { get; init; }
    public ModelInterface Interface { get; init; } = new();
    public List<GraphFunction> Functions { get; } = new();
    public List<ModelNode> Children { get; } = new();

    /// <summary>Format-specific facts worth showing (e.g. NN arrayInputShapeMapping, MIL program version).</summary>
    public Dictionary<string, string> Properties { get; } = new(StringComparer.Ordinal);

    /// <summary>Prefix used in op <see cref="Op.Function"/> paths of this node.</summary>
    public string FunctionPrefix => Path.Length == 0 ? "" : Path + "/";

    public IEnumerable<ModelNode> SelfAndDescendants()
    {
        yield return this;
        foreach (var c in Children)
            foreach (var d in c.SelfAndDescendants())
                yield return d;
    }
}
