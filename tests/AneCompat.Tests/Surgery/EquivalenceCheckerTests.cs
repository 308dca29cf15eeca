using AneCompat.Building;
using AneCompat.Schema;
using AneCompat.Surgery;
using Google.Protobuf;

namespace AneCompat.Tests.Surgery;

/// <summary>
/// The equivalence check behind every fix: a failure inside the evaluator refuses the rewrite with one line naming
/// the layer (never an exception out of fix), and the weights are really evaluated in every storage form a
/// NeuralNetwork file uses (a replacement that differs in one weight fails, whatever form the original's are in).
/// </summary>
public class EquivalenceCheckerTests
{
    private static readonly IReadOnlyList<IReadOnlyDictionary<string, long[]>> Shapes = [new Dictionary<string, long[]> { ["x"] = [1, 2, 4, 4] }];

    private static NeuralNetworkLayer Conv(WeightParams weights, string name = "conv")
    {
        var p = new ConvolutionLayerParams { OutputChannels = 2, KernelChannels = 2, NGroups = 1, Weights = weights, Valid = new ValidPadding() };
        p.KernelSize.AddRange([2UL, 2UL]);
        p.Stride.AddRange([1UL, 1UL]);
        var layer = new NeuralNetworkLayer { Name = name, Convolution = p };
        layer.Input.Add("x");
        layer.Output.Add("y");
        return layer;
    }

    private static WeightParams Floats(IEnumerable<float> v) { var w = new WeightParams(); w.FloatValue.AddRange(v); return w; }

    /// <summary>16 weights (2×2×2×2), each a multiple of 1/8 so that fp16 and an 8-bit look-up table hold them exactly.</summary>
    private static readonly float[] Weights = Enumerable.Range(0, 16).Select(i => (i - 7) / 8f).ToArray();

    private static float[] OneChanged() { var w = (float[])Weights.Clone(); w[5] += 0.25f; return w; }

    public static TheoryData<string> StorageForms => ["raw fp32", "fp16", "8-bit look-up table", "8-bit linear"];

    private static WeightParams Stored(string form, float[] values) => form switch
    {
        "raw fp32" => new WeightParams { RawValue = ByteString.CopyFrom(values.SelectMany(BitConverter.GetBytes).ToArray()) },
        "fp16" => new WeightParams { Float16Value = ByteString.CopyFrom(WeightFill.ToFloat16Bytes(values)) },
        "8-bit look-up table" => LookupTable(values),
        "8-bit linear" => Linear(values),
        _ => throw new ArgumentException(form),
    };

    /// <summary>Indices into a table of the distinct values, one byte each (8-bit, so packing is byte order).</summary>
    private static WeightParams LookupTable(float[] values)
    {
        var table = values.Distinct().Order().ToList();
        var w = new WeightParams
        {
            RawValue = ByteString.CopyFrom(values.Select(v => (byte)table.IndexOf(v)).ToArray()),
            Quantization = new QuantizationParams { NumberOfBits = 8, LookupTableQuantization = new LookUpTableQuantizationParams() },
        };
        w.Quantization.LookupTableQuantization.FloatValue.AddRange(table);
        return w;
    }

    /// <summary>value = index · 1/8 − 2 for every weight (all are multiples of 1/8 above −2).</summary>
    private static WeightParams Linear(float[] values)
    {
        var w = new WeightParams
        {
            RawValue = ByteString.CopyFrom(values.Select(v => (byte)Math.Round((v + 2) * 8)).ToArray()),
            Quantization = new QuantizationParams { NumberOfBits = 8, LinearQuantization = new LinearQuantizationParams() },
        };
        w.Quantization.LinearQuantization.Scale.Add(1 / 8f);
        w.Quantization.LinearQuantization.Bias.Add(-2);
        return w;
    }

    [Theory]
    [MemberData(nameof(StorageForms))]
    public void Weights_in_every_storage_form_are_evaluated(string form)
    {
        var original = Conv(Stored(form, Weights));
        // The same weights as plain floats: equivalent, to the last bit.
        var same = EquivalenceChecker.Check(new EquivalenceCase([original], [Conv(Floats(Weights))], ["y"], Shapes));
        Assert.True(same.Passed, same.Problem);
        Assert.Equal(0, same.WorstError);
        // One weight off by a quarter: the check must see it (it would pass if the weights were skipped or zeroed).
        var changed = EquivalenceChecker.Check(new EquivalenceCase([original], [Conv(Floats(OneChanged()))], ["y"], Shapes));
        Assert.False(changed.Passed);
        Assert.StartsWith("results differ by up to", changed.Problem);
    }

    [Fact]
    public void A_layer_that_throws_while_evaluating_refuses_the_rewrite_with_one_line_naming_it()
    {
        // A pooling layer with stride 0 divides by zero inside the evaluator (not an argument check).
        var pool = new PoolingLayerParams { Type = PoolingLayerParams.Types.PoolingType.Max, Valid = new ValidPadding() };
        pool.KernelSize.AddRange([2UL, 2UL]);
        pool.Stride.AddRange([0UL, 0UL]);
        var broken = new NeuralNetworkLayer { Name = "bad_pool", Pooling = pool };
        broken.Input.Add("x");
        broken.Output.Add("y");
        var result = EquivalenceChecker.Check(new EquivalenceCase([Conv(Floats(Weights))], [broken], ["y"], Shapes));
        Assert.False(result.Passed);
        Assert.Equal("evaluating the replacement's layer 'bad_pool' (pooling) failed: DivideByZeroException: Attempted to divide by zero.", result.Problem);
        Assert.DoesNotContain('\n', result.Problem!);
    }

    [Fact]
    public void An_op_the_evaluator_lacks_keeps_its_not_covered_reason()
    {
        var lrn = new NeuralNetworkLayer { Name = "norm", Lrn = new LRNLayerParams { LocalSize = 3, Alpha = 1, Beta = 0.75f, K = 1 } };
        lrn.Input.Add("x");
        lrn.Output.Add("y");
        var result = EquivalenceChecker.Check(new EquivalenceCase([lrn], [Conv(Floats(Weights))], ["y"], Shapes));
        Assert.False(result.Passed);
        Assert.Equal("not covered: lrn", result.Problem);
    }

    [Fact]
    public void An_input_too_large_to_evaluate_is_a_refusal_not_an_exception()
    {
        var huge = new List<IReadOnlyDictionary<string, long[]>> { new Dictionary<string, long[]> { ["x"] = [1, 2, 1L << 20, 1L << 20] } };
        var result = EquivalenceChecker.Check(new EquivalenceCase([Conv(Floats(Weights))], [Conv(Floats(Weights))], ["y"], huge));
        Assert.False(result.Passed);
        Assert.Equal("input 'x' of shape [1,2,1048576,1048576] is too large to evaluate", result.Problem);
    }
}
