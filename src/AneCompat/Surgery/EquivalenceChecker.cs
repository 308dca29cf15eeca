using AneCompat.Evaluation;
using AneCompat.Schema;
using Tensor = AneCompat.Evaluation.Tensor;

namespace AneCompat.Surgery;

/// <summary>Runs an <see cref="EquivalenceCase"/>: original and replacement on the same seeded random inputs, every shape
/// set, through the reference <see cref="NeuralNetworkEvaluator"/> (fp32, or every layer's result rounded to fp16 when
/// the case says so).
/// <para>Whatever goes wrong while evaluating — an op the evaluator does not cover (its "not covered: &lt;kind&gt;") or
/// any other failure of a layer (bad weights, a shape it cannot take, a bug) — comes back as a failed check with a
/// one-line reason naming the layer, never as an exception: the rewrite is then refused, and the rest of the fix
/// goes on.</para></summary>
public static class EquivalenceChecker
{
    public sealed record Result(bool Passed, double WorstError, int Runs, string? Problem);

    /// <summary>The check could not be run (a layer failed, an input cannot be made); carries the one-line reason.</summary>
    private sealed class CheckFailed(string reason) : Exception(reason);

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
                var inputs = shapes.ToDictionary(kv => kv.Key, kv => RandomTensor(kv.Key, kv.Value, random), StringComparer.Ordinal);
                var expected = new Dictionary<string, Tensor>(inputs, StringComparer.Ordinal);
                var actual = new Dictionary<string, Tensor>(inputs, StringComparer.Ordinal);
                Run(evaluator, c.Original, expected, "original");
                Run(evaluator, c.Replacement, actual, "replacement");
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
        catch (NotCoveredException e)
        {
            return new Result(false, worst, runs, e.Message);
        }
        catch (CheckFailed e)
        {
            return new Result(false, worst, runs, e.Message);
        }
        return worst <= c.Tolerance ? new Result(true, worst, runs, null)
            : new Result(false, worst, runs, $"results differ by up to {worst:G3} (tolerance {c.Tolerance:G3})");
    }

    /// <summary>Runs the layers one at a time so a failure names the layer that failed.</summary>
    private static void Run(NeuralNetworkEvaluator evaluator, IReadOnlyList<NeuralNetworkLayer> layers, Dictionary<string, Tensor> blobs, string side)
    {
        foreach (var layer in layers)
        {
            try
            {
                evaluator.Run([layer], blobs);
            }
            catch (NotCoveredException)
            {
                throw;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new CheckFailed($"evaluating the {side}'s layer '{layer.Name}' ({NeuralNetworkEvaluator.KindName(layer)}) failed: {OneLine(e)}");
            }
        }
    }

    /// <summary>An exception as one line: its message's first line, with the exception type when the message is a
    /// runtime's generic one (index out of range, null reference…) that would not say what kind of failure it was.</summary>
    private static string OneLine(Exception e)
    {
        var message = e.Message.Split('\n', 2)[0].Trim();
        return e is ArgumentException or InvalidDataException ? message : $"{e.GetType().Name}: {message}";
    }

    /// <summary>Uniform values in [-2, 2).</summary>
    private static Tensor RandomTensor(string name, long[] shape, Random random)
    {
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new CheckFailed($"input '{name}' has a negative dimension [{string.Join(",", shape)}]");
            count *= d;
            if (count > int.MaxValue) throw new CheckFailed($"input '{name}' of shape [{string.Join(",", shape)}] is too large to evaluate");
        }
        var data = new float[count];
        for (var i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 4 - 2);
        return new Tensor(shape.Select(d => (int)d).ToArray(), data);
    }
}
