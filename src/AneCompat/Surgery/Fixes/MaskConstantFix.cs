using System.Buffers.Binary;
using AneCompat.Evaluation;
using AneCompat.Schema;
using AneCompat.Schema.Mil;
using AneCompat.Writing;
using Google.Protobuf;
using Kind = AneCompat.Schema.NeuralNetworkLayer.LayerOneofCase;
using Tensor = AneCompat.Evaluation.Tensor;

namespace AneCompat.Surgery.Fixes;

/// <summary>
/// S11 (approximate): a −inf or huge negative (≤ −65504) constant used as an additive attention mask becomes the
/// finite value the user picks (<c>--mask-value</c>, default −1e4 as ml-ane-transformers; Core AI uses −4e4): the
/// NE mishandles IEEE −inf in softmax (ATTN-MASK-INF) and fp16 cannot hold the huge ones. Only where the precondition
/// of surgery.md §1 S11 holds: every reader of the constant is a mask — an add (or, in ML programs, the branch of a
/// select) whose result goes only into a softmax — because only there exp(mask − max) underflows to 0 for the
/// finite value as for −inf; anywhere else the substitution changes the result. A row masked everywhere turns from
/// NaN into uniform weights, which the proof rejects. Proven by the evaluator on the constant, its mask op and the
/// softmax, on random scores in [−2, 2), within fp32 tolerance (exp(−1e4) is 0 in fp32 and fp16 alike).
/// </summary>
public sealed class MaskConstantFix : Fix
{
    public override string Id => "S11";
    public override string RuleId => "ATTN-MASK-INF";
    public override FixSafety Safety => FixSafety.Approximate;
    public override string Title => "−inf / huge mask constant → a finite mask value";

    /// <summary>Masked results must agree this closely (the substitution is exact wherever scores are ≪ |mask|).</summary>
    public const double Tolerance = 1e-6;

    /// <summary>A mask value must be finite, negative and leave fp16 headroom: −65504 plus a negative score overflows
    /// to −inf in fp16 (transformers PR #17306, surgery.md §1 S11).</summary>
    public static string? InvalidMaskValue(float v) =>
        !float.IsFinite(v) || v >= -1 ? $"--mask-value {v}: must be a finite negative number such as -1e4 (ml-ane-transformers) or -4e4 (Core AI)"
        : v < -50000 ? $"--mask-value {v}: too close to fp16's −65504; adding a score overflows to −inf (use -1e4 or -4e4)"
        : null;

    private static bool IsMasked(float v) => float.IsNegativeInfinity(v) || v <= -65504f;

    private static bool IsBadPositive(float v) => float.IsPositiveInfinity(v) || v >= 65504f;

    public override IEnumerable<FixProposal> Propose(NetworkContext net)
    {
        for (var i = 0; i < net.Layers.Count; i++)
        {
            var layer = net.Layers[i];
            if (layer.LayerCase is not (Kind.LoadConstant or Kind.LoadConstantND)) continue;
            var full = net.Full(i);
            var data = full.LayerCase == Kind.LoadConstant ? full.LoadConstant.Data : full.LoadConstantND.Data;
            float[] values;
            try { values = WeightValues.Read(data, -1, "constant"); }
            catch (Exception e) when (e is NotCoveredException or ArgumentException) { continue; }
            if (!values.Any(IsMasked)) continue;
            var p = new FixProposal(this, net.Member, i, layer.Name);
            var output = layer.Output[0];
            var maskOps = new List<int>();
            var why = values.Any(IsBadPositive) ? "the constant also holds +inf or a value beyond +65504, which no mask value stands for"
                : data.RawValue.Length > 0 || data.Quantization is not null ? "the constant is stored quantized or raw; only fp32/fp16 values are rewritten"
                : net.ModelOutputs.Contains(output) ? $"'{output}' is a model output, not only a mask"
                : NnMaskUse(net, output, out maskOps);
            if (why is not null) { yield return p with { NotApplicable = why }; continue; }
            var fill = net.Options.MaskFill;
            var replaced = full.Clone();
            var target = replaced.LayerCase == Kind.LoadConstant ? replaced.LoadConstant.Data : replaced.LoadConstantND.Data;
            var count = Replace(values, fill);
            if (target.FloatValue.Count > 0) { target.FloatValue.Clear(); target.FloatValue.Add(values); }
            else target.Float16Value = ByteString.CopyFrom(HalfBytes(values));
            var others = maskOps.SelectMany(k => net.Layers[k].Input).Where(b => b != output && !maskOps.Any(m => net.Layers[m].Output.Contains(b))).Distinct().ToList();
            var shapes = others.Select(b => net.ShapeOf(b)).ToList();
            if (shapes.Any(s => s is null))
            {
                yield return p with { NotApplicable = "the shapes of the scores the mask is added to are unknown, so the rewrite cannot be proven" };
                continue;
            }
            var run = new Dictionary<string, long[]>(StringComparer.Ordinal);
            for (var k = 0; k < others.Count; k++) run[others[k]] = shapes[k]!;
            var original = maskOps.Select(net.Full).Prepend(full).ToList();
            var replacement = maskOps.Select(net.Full).Prepend(replaced).ToList();
            var softmaxOutputs = maskOps.Where(k => net.Layers[k].LayerCase is Kind.Softmax or Kind.SoftmaxND).SelectMany(k => net.Layers[k].Output).ToList();
            yield return p with
            {
                Description = $"{count} mask value(s) (−inf or ≤ −65504) → {fill:G6} before softmax",
                Replacement = [replaced],
                Check = new EquivalenceCase(original, replacement, softmaxOutputs, [run, run], Tolerance),
            };
        }
    }

    /// <summary>Why the blob is not only an additive mask before a softmax (null when it is; <paramref name="ops"/>
    /// then lists the add and softmax layers in order).</summary>
    private static string? NnMaskUse(NetworkContext net, string blob, out List<int> ops)
    {
        ops = new List<int>();
        var readers = net.Consumers.GetValueOrDefault(blob) ?? [];
        if (readers.Count == 0) return $"nothing reads '{blob}'";
        foreach (var r in readers)
        {
            var add = net.Layers[r];
            if (add.LayerCase is not (Kind.Add or Kind.AddBroadcastable) || add.Input.Count != 2)
                return $"'{add.Name}' ({add.LayerCase}) reads it: only an additive mask before a softmax may change −inf to a finite value";
            var sum = add.Output[0];
            var softmaxes = net.Consumers.GetValueOrDefault(sum) ?? [];
            if (net.ModelOutputs.Contains(sum) || softmaxes.Count == 0 || softmaxes.Any(s => net.Layers[s].LayerCase is not (Kind.Softmax or Kind.SoftmaxND)))
                return $"the masked scores '{sum}' go elsewhere than into a softmax, where −inf and a finite mask differ";
            ops.Add(r);
            ops.AddRange(softmaxes);
        }
        ops = ops.Distinct().Order().ToList();
        return null;
    }

    public override IEnumerable<FixProposal> ProposeProgram(ModelSite site, FixOptions options)
    {
        var fill = options.MaskFill;
        var program = site.Spec.MlProgram;
        if (program is null) yield break;
        var functionName = program.Functions.ContainsKey("main") ? "main" : program.Functions.Keys.FirstOrDefault();
        if (functionName is null) yield break;
        var function = program.Functions[functionName];
        if (!function.BlockSpecializations.TryGetValue(function.Opset, out var block)) yield break;
        var context = new ProgramContext(function, block);
        using var constants = new MilConstants(site.ModelPathRoot);
        for (var i = 0; i < block.Operations.Count; i++)
        {
            var op = block.Operations[i];
            if (op.Type != "const" || !op.Attributes.TryGetValue("val", out var val)) continue;
            var dt = val.Type?.TensorType?.DataType;
            if (dt is not (DataType.Float32 or DataType.Float16)) continue;
            Tensor t;
            try { t = Fp16Constants.Read(constants, val); }
            catch (Exception e) when (e is NotCoveredException or ArgumentException or IOException or Diagnostics.ModelReadException) { continue; }
            if (!t.Data.Any(IsMasked)) continue;
            var output = op.Outputs[0].Name;
            var p = new FixProposal(this, site.Path, i, MilEvaluator.NameOf(op));
            var maskOps = new List<int>();
            var why = t.Data.Any(IsBadPositive) ? "the constant also holds +inf or a value beyond +65504, which no mask value stands for"
                : context.Outputs.Contains(output) ? $"'{output}' is a function output, not only a mask"
                : ProgramMaskUse(context, output, out maskOps);
            if (why is not null) { yield return p with { NotApplicable = why }; continue; }
            var index = i;
            yield return p with
            {
                Description = $"{t.Data.Count(IsMasked)} mask value(s) (−inf or ≤ −65504) → {fill:G6} before softmax",
                ProgramCheck = () => ProgramMaskProof(context, index, maskOps, site.Spec.Description, site.ModelPathRoot, fill),
                ApplyToModel = s =>
                {
                    var at = s.Program(functionName, function.Opset)!;
                    at.ReplaceOperation(index, WithValue(s, at.ReadOperation(index), fill));
                },
            };
        }
    }

    /// <summary>Why <paramref name="value"/> is not only a mask before softmax in the program (null when it is).</summary>
    private static string? ProgramMaskUse(ProgramContext program, string value, out List<int> ops)
    {
        ops = new List<int>();
        var readers = program.ReadersOf(value);
        if (readers.Count == 0) return $"nothing reads '{value}'";
        foreach (var r in readers)
        {
            var op = program.Ops[r];
            var asMask = op.Type == "add" || op.Type == "select" && !ReadsAs(op, "cond", value);
            if (!asMask || op.Blocks.Count > 0)
                return $"'{MilEvaluator.NameOf(op)}' ({op.Type}) reads it: only an additive mask (add, or a branch of select) before a softmax may change −inf to a finite value";
            var sum = op.Outputs[0].Name;
            var softmaxes = program.ReadersOf(sum);
            if (program.Outputs.Contains(sum) || softmaxes.Count == 0 || softmaxes.Any(s => program.Ops[s].Type != "softmax"))
                return $"the masked scores '{sum}' go elsewhere than into a softmax, where −inf and a finite mask differ";
            ops.Add(r);
            ops.AddRange(softmaxes);
        }
        ops = ops.Distinct().Order().ToList();
        return null;
    }

    private static bool ReadsAs(Operation op, string parameter, string name) =>
        op.Inputs.TryGetValue(parameter, out var a) && a.Arguments.Any(b => b.Name == name);

    /// <summary>The mask constant, its add/select and softmax ops run as they are and with the mask replaced, on random
    /// scores (and random booleans for a select's condition), twice.</summary>
    private static EquivalenceChecker.Result ProgramMaskProof(ProgramContext program, int constant, List<int> maskOps, ModelDescription? description, string modelPathRoot, float fill)
    {
        var worst = 0.0;
        try
        {
            using var constants = new MilConstants(modelPathRoot);
            var ops = maskOps.Prepend(constant).Order().ToList();
            var original = ops.Select(i => program.Ops[i]).ToList();
            var masked = Fp16Constants.Read(constants, program.Ops[constant].Attributes["val"]);
            var replacedValues = (float[])masked.Data.Clone();
            Replace(replacedValues, fill);
            var replaced = program.Ops[constant].Clone();
            replaced.Attributes["val"] = Immediate(new Tensor(masked.Shape, replacedValues, masked.Type), program.Ops[constant].Attributes["val"].Type.TensorType);
            var rewritten = original.Select(op => op == program.Ops[constant] ? replaced : op).ToList();
            var produced = new HashSet<string>(original.SelectMany(op => op.Outputs.Select(o => o.Name)), StringComparer.Ordinal);
            var reads = original.SelectMany(ProgramContext.ReadNames).Where(n => !produced.Contains(n) && program.ConstantOf(n) is null).Distinct().ToList();
            var extraConstants = original.SelectMany(ProgramContext.ReadNames).Where(n => !produced.Contains(n) && program.ConstantOf(n) is not null)
                .Select(n => program.ConstantOf(n)!).Distinct().ToList();
            for (var run = 0; run < 2; run++)
            {
                var random = new Random(20261130 + run);
                var inputs = new Dictionary<string, object>(StringComparer.Ordinal);
                foreach (var n in reads)
                {
                    var tt = program.Types[n].TensorType ?? throw new NotCoveredException($"'{n}' is not a tensor");
                    var shape = MilConstants.Shape(tt) ?? description?.Input.FirstOrDefault(x => x.Name == n)?.Type?.MultiArrayType?.Shape.Select(d => (int)d).ToArray()
                        ?? throw new NotCoveredException($"'{n}' has a symbolic shape");
                    var element = MilConstants.TypeOf(tt.DataType);
                    var data = new float[Tensor.ElementCount(shape)];
                    for (var k = 0; k < data.Length; k++) data[k] = element == TensorElement.Bool ? random.Next(2) : (float)(random.NextDouble() * 4 - 2);
                    inputs[n] = element == TensorElement.Float16 ? TensorMath.RoundToHalf(new Tensor(shape, data, element)) : new Tensor(shape, data, element);
                }
                var expected = new Dictionary<string, object>(inputs, StringComparer.Ordinal);
                var actual = new Dictionary<string, object>(inputs, StringComparer.Ordinal);
                new MilEvaluator(constants).Run(extraConstants.Concat(original), expected);
                new MilEvaluator(constants).Run(extraConstants.Concat(rewritten), actual);
                foreach (var s in maskOps.Where(k => program.Ops[k].Type == "softmax"))
                {
                    var name = program.Ops[s].Outputs[0].Name;
                    var e = (Tensor)expected[name];
                    var a = (Tensor)actual[name];
                    for (var k = 0; k < e.Count; k++)
                    {
                        if (float.IsNaN(e.Data[k]) && !float.IsNaN(a.Data[k]))
                            return new EquivalenceChecker.Result(false, double.PositiveInfinity, run, "a row is masked everywhere: the original gives NaN there and the rewrite uniform weights, which is no approximation of it");
                        var err = e.Data[k].Equals(a.Data[k]) ? 0 : Math.Abs((double)e.Data[k] - a.Data[k]) / (1 + Math.Abs((double)e.Data[k]));
                        worst = Math.Max(worst, double.IsNaN(err) ? double.PositiveInfinity : err);
                    }
                }
            }
        }
        catch (Exception e) when (e is NotCoveredException or ArgumentException or InvalidCastException or KeyNotFoundException or IOException or Diagnostics.ModelReadException)
        {
            return new EquivalenceChecker.Result(false, worst, 0, e.Message);
        }
        return worst <= Tolerance ? new EquivalenceChecker.Result(true, worst, 2, null)
            : new EquivalenceChecker.Result(false, worst, 2, $"masked softmax results differ by up to {worst:G3} (tolerance {Tolerance:G3}): scores reach the mask value's magnitude");
    }

    /// <summary>The const with its mask values replaced, as an immediate value of the same type (a mask held in the
    /// weight file moves into the program: masks are small, and a later S9 in the same run converts immediates).</summary>
    private static Operation WithValue(ModelSite site, Operation constant, float fill)
    {
        var val = constant.Attributes["val"];
        using var constants = new MilConstants(site.ModelPathRoot);
        var t = Fp16Constants.Read(constants, val);
        var values = (float[])t.Data.Clone();
        Replace(values, fill);
        var op = constant.Clone();
        op.Attributes["val"] = Immediate(new Tensor(t.Shape, values, t.Type), val.Type.TensorType);
        return op;
    }

    private static Value Immediate(Tensor t, TensorType type) =>
        type.DataType == DataType.Float16 ? Fp16Constants.Immediate(t, type) : new Value
        {
            Type = new Schema.Mil.ValueType { TensorType = type.Clone() },
            ImmediateValue = new Value.Types.ImmediateValue { Tensor = new TensorValue { Floats = new TensorValue.Types.RepeatedFloats { Values = { t.Data } } } },
        };

    private static int Replace(float[] values, float fill)
    {
        var n = 0;
        for (var k = 0; k < values.Length; k++)
            if (IsMasked(values[k])) { values[k] = fill; n++; }
        return n;
    }

    private static byte[] HalfBytes(float[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (var k = 0; k < values.Length; k++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * k), BitConverter.HalfToUInt16Bits((Half)values[k]));
        return bytes;
    }
}
