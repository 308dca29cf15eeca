using AneCompat.Evaluation;
using ModelDescription = AneCompat.Schema.ModelDescription;
using AneCompat.Schema.Mil;
using AneCompat.Surgery.Fixes;

namespace AneCompat.Surgery;

/// <summary>
/// Proves an S9 rewrite on the region it changes: the converted ops (with the constants they read) run as they are
/// in fp32, and as rewritten — casts, fp16 constants, retyped ops — with every result rounded through
/// <see cref="Half"/>, on the same seeded random values for what the region reads from the rest of the program.
/// The values the rest of the program then sees must agree within the declared bound. Function inputs take their
/// declared (default) shape; the runs differ in seed.
/// </summary>
public static class ProgramRegionProof
{
    public const int Runs = 3;

    /// <summary>The most multiply-adds one proof run may cost (the evaluator is a plain reference interpreter: this
    /// is a few seconds on one core). Larger regions are not proven, so not rewritten.</summary>
    public const double MaxMacsPerRun = 3e8;

    public static EquivalenceChecker.Result Check(ProgramContext program, ProgramFp16Rewrite rewrite, ModelDescription? description, string? modelPathRoot, double bound, int seed = 20261130)
    {
        var worst = 0.0;
        var runs = 0;
        try
        {
            var macs = EstimatedMacs(program, rewrite.Converted);
            if (macs > MaxMacsPerRun)
                return new EquivalenceChecker.Result(false, double.NaN, 0, $"proving it would take about {macs:G2} multiply-adds per run, beyond the reference evaluator's budget of {MaxMacsPerRun:G2}");
            using var constants = new MilConstants(modelPathRoot);
            var region = rewrite.RegionConstants.Concat(rewrite.Converted).Concat(rewrite.IdentityCasts).Distinct().Order().ToList();
            var original = region.Select(i => program.Ops[i]).ToList();
            var edits = rewrite.Build(i => program.Ops[i], v => Fp16Constants.Immediate(Fp16Constants.Read(constants, v), v.Type.TensorType));
            var rewritten = region.SelectMany(i => edits.TryGetValue(i, out var ops) ? ops : [program.Ops[i]]).ToList();
            var outputs = rewrite.RegionOutputs.ToList();
            if (outputs.Count == 0) return new EquivalenceChecker.Result(false, double.NaN, 0, "the converted ops hand nothing to the rest of the program");
            for (; runs < Runs; runs++)
            {
                var random = new Random(seed + runs);
                var inputs = rewrite.RegionInputs.ToDictionary(n => n, n => (object)RandomValue(program, description, n, random), StringComparer.Ordinal);
                var expected = new Dictionary<string, object>(inputs, StringComparer.Ordinal);
                var actual = new Dictionary<string, object>(inputs, StringComparer.Ordinal);
                new MilEvaluator(constants).Run(original, expected);
                new MilEvaluator(constants, new EvaluationOptions { Precision = Precision.Float16 }).Run(rewritten, actual);
                foreach (var name in outputs)
                {
                    var e = (Tensor)expected[name];
                    var a = (Tensor)actual[name];
                    if (!e.Shape.SequenceEqual(a.Shape)) return new EquivalenceChecker.Result(false, double.NaN, runs, $"'{name}' has another shape after the rewrite");
                    for (var k = 0; k < e.Count; k++)
                    {
                        double x = e.Data[k], y = a.Data[k];
                        var err = x.Equals(y) ? 0 : Math.Abs(x - y) / (1 + Math.Abs(x));
                        if (double.IsNaN(err)) err = double.PositiveInfinity;
                        worst = Math.Max(worst, err);
                    }
                }
            }
        }
        catch (Exception e) when (e is NotCoveredException or ArgumentException or InvalidDataException or IOException or InvalidCastException or KeyNotFoundException or Diagnostics.ModelReadException)
        {
            return new EquivalenceChecker.Result(false, worst, runs, e.Message);
        }
        return worst <= bound ? new EquivalenceChecker.Result(true, worst, runs, null)
            : new EquivalenceChecker.Result(false, worst, runs, $"fp16 results differ by up to {worst:G3} (declared bound {bound:G3})");
    }

    /// <summary>Multiply-adds of the ops from their declared shapes: output elements times the length each output
    /// element sums over (matmul, linear, conv); one per element otherwise. Unknown shapes count as nothing.</summary>
    public static double EstimatedMacs(ProgramContext program, IEnumerable<int> ops)
    {
        double total = 0;
        foreach (var i in ops)
        {
            var op = program.Ops[i];
            var outputs = op.Outputs.Sum(o => o.Type?.TensorType is { } t && MilConstants.Shape(t) is { } s ? s.Aggregate(1.0, (a, d) => a * d) : 0);
            int[]? ShapeOf(string parameter) =>
                op.Inputs.TryGetValue(parameter, out var a) && a.Arguments.Count > 0 && a.Arguments[0].Name is { Length: > 0 } n
                && program.Types.TryGetValue(n, out var vt) && vt.TensorType is { } tt ? MilConstants.Shape(tt) : null;
            double reduced = op.Type switch
            {
                "matmul" => ShapeOf("x") is { Length: >= 1 } x ? x[^1] : 1,
                "linear" => ShapeOf("weight") is { Length: >= 1 } w ? w[^1] : 1,
                "conv" => ShapeOf("weight") is { Length: >= 2 } w ? w.Skip(1).Aggregate(1.0, (a, d) => a * d) : 1,
                _ => 1,
            };
            total += outputs * Math.Max(1, reduced);
        }
        return total;
    }

    /// <summary>Uniform values in [−1, 1) at the value's declared shape (a function input's described shape when its
    /// type has symbolic dimensions); only float values can be made up.</summary>
    private static Tensor RandomValue(ProgramContext program, ModelDescription? description, string name, Random random)
    {
        var tt = program.Types[name].TensorType ?? throw new NotCoveredException($"'{name}' is not a tensor");
        var element = MilConstants.TypeOf(tt.DataType);
        if (element is not (TensorElement.Float32 or TensorElement.Float16))
            throw new NotCoveredException($"the converted ops read {tt.DataType} '{name}' computed elsewhere, which random values cannot stand for");
        var shape = MilConstants.Shape(tt)
            ?? description?.Input.FirstOrDefault(i => i.Name == name)?.Type?.MultiArrayType?.Shape.Select(d => checked((int)d)).ToArray()
            ?? throw new NotCoveredException($"'{name}' has a symbolic shape");
        var data = new float[Tensor.ElementCount(shape)];
        for (var i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
        var t = new Tensor(shape, data, element);
        return element == TensorElement.Float16 ? TensorMath.RoundToHalf(t) : t;
    }
}
