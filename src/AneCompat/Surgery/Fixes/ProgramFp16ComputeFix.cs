using AneCompat.Evaluation;
using AneCompat.Schema.Mil;
using AneCompat.Writing;

namespace AneCompat.Surgery.Fixes;

/// <summary>
/// S9 (approximate): the fp32 compute ops of an ML program become fp16 — the NE is barred for fp32-typed ops
/// (DTYPE-FP32). Every convertible op is retyped; fp32 values it reads from outside the converted ops get a
/// <c>cast</c> to fp16, values it hands to the rest of the program (kept ops, nested blocks, the function's outputs)
/// a <c>cast</c> back to fp32 under their original names — so the model's interface is unchanged (S19 makes it fp16
/// on a second run). fp32 constants become fp16 constants (immediates in place, weight-file blobs as new fp16 blobs);
/// one also read by a kept op is duplicated instead. Proven on the converted region by the evaluator: the original
/// ops in fp32 against the rewritten ones with every result rounded through fp16, within <see cref="Bound"/>.
/// </summary>
public sealed class ProgramFp16ComputeFix : Fix
{
    public override string Id => "S9";
    public override string RuleId => "DTYPE-FP32";
    public override FixSafety Safety => FixSafety.Approximate;
    public override string Title => "ML-program fp32 compute → fp16 (values rounded to fp16)";

    /// <summary>
    /// Ops coremltools' fp16 pass never converts (<c>_UNSUPPORTED_FP16_OPS</c> of <c>add_fp16_cast</c>, as surgery.md
    /// §1.2 "fp16 (S9)" lists them): casts, control flow, list ops and state ops. Ops with nested blocks are kept too.
    /// </summary>
    public static readonly IReadOnlySet<string> KeptInFp32 = new HashSet<string>(StringComparer.Ordinal)
    {
        "cast", "while_loop", "cond", "make_list", "list_length", "list_write", "list_read", "list_gather", "list_scatter",
        "read_state", "coreml_update_state",
    };

    /// <summary>
    /// The declared bound on |original − rewritten| / (1 + |original|): fp16 keeps 11 significant bits (2⁻¹¹ relative
    /// per rounding); each converted op on the longest chain adds its rounding and propagates its inputs' error, and
    /// a reduction over k terms grows it by about √k. 2⁻⁹ per op on the chain (four times one rounding), capped at
    /// 5 %, accepts ordinary fp16 drift and rejects overflow, underflow to zero and cancellation blow-ups.
    /// </summary>
    public static double Bound(int chainLength) => Math.Min(0.05, Math.Pow(2, -9) * Math.Max(1, chainLength));

    private const string MissingWeights = "it can be neither range-checked nor converted";

    public override IEnumerable<FixProposal> Propose(NetworkContext network) => [];

    public override IEnumerable<FixProposal> ProposeProgram(ModelSite site)
    {
        var program = site.Spec.MlProgram;
        if (program is null) yield break;
        var functionName = program.Functions.ContainsKey("main") ? "main" : program.Functions.Keys.FirstOrDefault();
        if (functionName is null) yield break;
        var function = program.Functions[functionName];
        if (!function.BlockSpecializations.TryGetValue(function.Opset, out var block)) yield break;

        using var constants = new MilConstants(site.ModelPathRoot);
        var graph = new ProgramContext(function, block);
        var proposals = new Dictionary<int, FixProposal>();
        var converted = new SortedSet<int>();
        for (var i = 0; i < block.Operations.Count; i++)
        {
            var op = block.Operations[i];
            if (op.Type == "const" || !graph.IsFp32(op)) continue;
            var p = new FixProposal(this, site.Path, i, MilEvaluator.NameOf(op));
            var why = WhyKept(op, graph, constants);
            if (why is not null) { proposals[i] = p with { NotApplicable = why }; continue; }
            proposals[i] = p;
            converted.Add(i);
        }
        // Without the weight file (a spec-only package) the fp32 weights can be neither range-checked nor converted:
        // converting the ops around them would only surround every weighted op with casts, so nothing is converted.
        var unreadable = proposals.Values.Count(p => p.NotApplicable?.Contains(MissingWeights, StringComparison.Ordinal) == true);
        if (unreadable > 0)
        {
            foreach (var (i, p) in proposals)
                yield return p.Applicable ? p with { NotApplicable = $"{unreadable} op(s) read fp32 weights that cannot be read (weight file missing); converting the rest would only add casts around them" } : p;
            yield break;
        }
        if (converted.Count == 0)
        {
            foreach (var p in proposals.Values) yield return p;
            yield break;
        }

        var rewrite = new ProgramFp16Rewrite(graph, converted);
        var chain = rewrite.LongestChain();
        var bound = Bound(chain);
        var proof = new Lazy<EquivalenceChecker.Result>(() => ProgramRegionProof.Check(graph, rewrite, site.Spec.Description, site.ModelPathRoot, bound));
        var applied = false;
        foreach (var (i, p) in proposals)
        {
            if (!p.Applicable) { yield return p; continue; }
            var op = block.Operations[i];
            var first = !applied;
            applied = true;
            yield return p with
            {
                Description = $"{op.Type} fp32 → fp16{rewrite.Describe(i)} (one rewrite of {converted.Count} op(s), {rewrite.CastCount} cast(s) at its boundary; declared bound {bound:G3})",
                ProgramCheck = () => proof.Value,
                ApplyToModel = first ? s => Apply(s, functionName, function.Opset, rewrite) : _ => { },
            };
        }
    }

    /// <summary>Why op <paramref name="op"/> stays fp32, or null when it can be converted.</summary>
    private static string? WhyKept(Operation op, ProgramContext graph, MilConstants constants)
    {
        if (KeptInFp32.Contains(op.Type)) return $"{op.Type} stays fp32: coremltools' fp16 pass never converts it (_UNSUPPORTED_FP16_OPS)";
        if (op.Blocks.Count > 0) return $"{op.Type} has nested blocks; their ops are not converted";
        if (!MilEvaluator.Covered.Contains(op.Type)) return $"the reference evaluator does not cover {op.Type}, so converting it cannot be proven";
        foreach (var (parameter, arg) in op.Inputs)
            foreach (var b in arg.Arguments)
            {
                Value? value = null;
                var label = parameter;
                if (b.BindingCase == Argument.Types.Binding.BindingOneofCase.Value) value = b.Value;
                else if (graph.ConstantOf(b.Name) is { } c) { value = c.Attributes["val"]; label = $"{parameter} ('{b.Name}')"; }
                if (value?.Type?.TensorType?.DataType != DataType.Float32) continue;
                Tensor t;
                try { t = constants.Read(value, label) as Tensor ?? throw new NotCoveredException("non-tensor constant"); }
                catch (NotCoveredException e) { return $"fp32 constant {label} cannot be read ({e.Kind}): {MissingWeights}"; }
                catch (Exception e) when (e is ArgumentException or IOException or Diagnostics.ModelReadException) { return $"fp32 constant {label} cannot be read: {e.Message}"; }
                var over = t.Data.FirstOrDefault(v => float.IsFinite(v) && Math.Abs(v) > 65504);
                if (over != 0) return $"fp32 constant {label} holds {over:G6}, beyond fp16's ±65504: coremltools' fp16 pass keeps such an op in fp32 (fp16_overflow)";
            }
        return null;
    }

    private static void Apply(ModelSite site, string functionName, string opset, ProgramFp16Rewrite rewrite)
    {
        var at = site.Program(functionName, opset) ?? throw new InvalidOperationException($"function '{functionName}' not found for writing");
        using var constants = new MilConstants(site.ModelPathRoot);
        var edits = rewrite.Build(at.ReadOperation, v => v.ValueCase == Value.ValueOneofCase.BlobFileValue
            ? AppendedBlob(site, v)
            : Fp16Constants.Immediate(Fp16Constants.Read(constants, v), v.Type.TensorType));
        foreach (var (index, ops) in edits) at.ReplaceOperation(index, ops);
    }

    /// <summary>An fp32 weight-file blob becomes a new fp16 blob appended to the same file (converted while it is written).</summary>
    private static Value AppendedBlob(ModelSite site, Value value)
    {
        var blob = value.BlobFileValue;
        var file = Fp16Constants.ResolveWeightFile(site.ModelPathRoot, blob.FileName);
        var (dataOffset, count) = Fp16Constants.Fp32Blob(file, blob.Offset, value.Type.TensorType);
        var offset = site.WeightAppends.AddFp16Copy(file, dataOffset, count);
        var result = value.Clone();
        result.Type.TensorType.DataType = DataType.Float16;
        result.BlobFileValue.Offset = offset;
        return result;
    }
}
