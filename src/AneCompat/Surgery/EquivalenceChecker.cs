using AneCompat.Evaluation;

namespace AneCompat.Surgery;

/// <summary>Runs an <see cref="EquivalenceCase"/>: original and replacement on the same seeded random inputs, every shape
/// set, through the reference <see cref="NeuralNetworkEvaluator"/> (fp32, or every layer's result rounded to fp16 when
/// the case says so).</summary>
public static class EquivalenceChecker
{
    public sealed record Result(bool Passed, double WorstError, int Runs, string? Problem);

    public static Result Check(EquivalenceCase c, int seed = 20261130)
    {
        var worst = 0.0;
        var runs = 0;
        var evaluator = new NeuralNetworkEvaluator(new EvaluationOptions { Precision = c.RoundToHalf ? Precision.Float16 : Precision.Float32 });
        try
        {
            foreach (var shapes in c.ShapeSets)
            {
                var random = new Random(seed + runs);
                var inputs = shapes.ToDictionary(kv => kv.Key, kv => RandomTensor(kv.Value, random), StringComparer.Ordinal);
                var expected = new Dictionary<string, Tensor>(inputs, StringComparer.Ordinal);
                var actual = new Dictionary<string, Tensor>(inputs, StringComparer.Ordinal);
                evaluator.Run(c.Original, expected);
                evaluator.Run(c.Replacement, actual);
                foreach (var name in c.Outputs)
                {
                    if (!expected.TryGetValue(name, out var e) || !actual.TryGetValue(name, out var a))
                        return new Result(false, double.NaN, runs, $"output '{name}' is not computed by both");
                    if (!e.Shape.SequenceEqual(a.Shape))
                        return new Result(false, double.NaN, runs, $"output '{name}' has shape [{string.Join(",", a.Shape)}] instead of [{string.Join(",", e.Shape)}]");
                    for (var i = 0; i < e.Data.Length; i++)
                    {
                        var err = Math.Abs((double)e.Data[i] - a.Data[i]) / (1 + Math.Abs((double)e.Data[i]));
                        if (double.IsNaN(err)) err = float.IsNaN(e.Data[i]) && float.IsNaN(a.Data[i]) ? 0 : double.PositiveInfinity;
                        worst = Math.Max(worst, err);
                    }
                }
                runs++;
            }
        }
        catch (Exception e) when (e is NotCoveredException or ArgumentException)
        {
            return new Result(false, worst, runs, e.Message);
        }
        return worst <= c.Tolerance ? new Result(true, worst, runs, null)
            : new Result(false, worst, runs, $"results differ by up to {worst:G3} (tolerance {c.Tolerance:G3})");
    }

    /// <summary>Uniform values in [-2, 2).</summary>
    private static Tensor RandomTensor(long[] shape, Random random)
    {
        var data = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (var i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 4 - 2);
        return new Tensor(shape.Select(d => checked((int)d)).ToArray(), data);
    }
}
