using AneCompat.Evaluation;

namespace AneCompat.Surgery;

/// <summary>Runs an <see cref="EquivalenceCase"/>: original and replacement on the same seeded random inputs, every shape set.</summary>
public static class EquivalenceChecker
{
    public sealed record Result(bool Passed, double WorstError, int Runs, string? Problem);

    public static Result Check(EquivalenceCase c, int seed = 20261130)
    {
        var worst = 0.0;
        var runs = 0;
        try
        {
            foreach (var shapes in c.ShapeSets)
            {
                var random = new Random(seed + runs);
                var inputs = shapes.ToDictionary(kv => kv.Key, kv => FixTensor.Random(kv.Value, random), StringComparer.Ordinal);
                var expected = FixLayerEvaluator.Run(c.Original, inputs, c.RoundToHalf);
                var actual = FixLayerEvaluator.Run(c.Replacement, inputs, c.RoundToHalf);
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
        catch (FixEvaluationException e)
        {
            return new Result(false, worst, runs, e.Message);
        }
        return worst <= c.Tolerance ? new Result(true, worst, runs, null)
            : new Result(false, worst, runs, $"results differ by up to {worst:G3} (tolerance {c.Tolerance:G3})");
    }
}
