namespace AneCompat.Evaluation;

/// <summary>Arithmetic the evaluator emulates.</summary>
public enum Precision
{
    /// <summary>fp32 throughout (fp16-typed ML program values are still rounded to fp16, as their type says).</summary>
    Float32,
    /// <summary>Every float result is rounded to <see cref="Half"/> after each op, as the ANE and GPU compute.</summary>
    Float16,
}

/// <summary>A user-supplied implementation of a NeuralNetwork custom layer: inputs → outputs.</summary>
public delegate IReadOnlyList<Tensor> CustomLayerKernel(IReadOnlyList<Tensor> inputs);

public sealed class EvaluationOptions
{
    public Precision Precision { get; init; } = Precision.Float32;

    /// <summary>Custom layer implementations by class name (a custom layer's math lives in the app, not the file).</summary>
    public IReadOnlyDictionary<string, CustomLayerKernel> CustomLayers { get; init; } =
        new Dictionary<string, CustomLayerKernel>(StringComparer.Ordinal);

    public static readonly EvaluationOptions Default = new();
}
