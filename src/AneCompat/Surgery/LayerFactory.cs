using AneCompat.Schema;

namespace AneCompat.Surgery;

/// <summary>Builds replacement layers that keep the original's name, blobs and (when the arity allows) tensor ranks.</summary>
internal static class LayerFactory
{
    public static NeuralNetworkLayer Like(NeuralNetworkLayer original, IEnumerable<string> inputs, IEnumerable<string> outputs, string? name = null)
    {
        var layer = new NeuralNetworkLayer { Name = name ?? original.Name };
        layer.Input.AddRange(inputs);
        layer.Output.AddRange(outputs);
        // inputTensor/outputTensor must match input/output in length (validator) or be absent.
        if (original.InputTensor.Count > 0 && original.InputTensor.Count == layer.Input.Count && original.Input.SequenceEqual(layer.Input))
            layer.InputTensor.AddRange(original.InputTensor.Select(t => t.Clone()));
        if (original.OutputTensor.Count > 0 && original.OutputTensor.Count == layer.Output.Count && original.Output.SequenceEqual(layer.Output))
            layer.OutputTensor.AddRange(original.OutputTensor.Select(t => t.Clone()));
        return layer;
    }

    public static NeuralNetworkLayer Same(NeuralNetworkLayer original) => Like(original, original.Input, original.Output);

    public static NeuralNetworkLayer Linear(string name, string input, string output, float alpha, float beta)
    {
        var layer = new NeuralNetworkLayer { Name = name, Activation = new ActivationParams { Linear = new ActivationLinear { Alpha = alpha, Beta = beta } } };
        layer.Input.Add(input);
        layer.Output.Add(output);
        return layer;
    }

    public static string Shape(long[]? shape) => shape is null ? "unknown" : "[" + string.Join(", ", shape) + "]";

    /// <summary>Input shapes for a check: the real ones when small, plus variants of the same rank.</summary>
    public static List<IReadOnlyDictionary<string, long[]>> Variants(IReadOnlyDictionary<string, long[]> real, Func<long[], int, long[]> vary, int count = 2)
    {
        var list = new List<IReadOnlyDictionary<string, long[]>>();
        if (real.Values.All(s => s.Aggregate(1L, (a, b) => a * b) <= 1 << 16)) list.Add(real);
        for (var k = 0; k < count; k++)
            list.Add(real.ToDictionary(kv => kv.Key, kv => vary(kv.Value, k)));
        return list;
    }

    /// <summary>A small shape of the same rank: every dimension 1…4, chosen by <paramref name="k"/>.</summary>
    public static long[] Small(long[] shape, int k) => shape.Select((d, i) => (long)(1 + (i * 7 + k * 3 + 2) % 4)).ToArray();
}
