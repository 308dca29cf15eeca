using AneCompat.Schema;
using AneCompat.Schema.Mil;
using AneCompat.Writing;

namespace AneCompat.Surgery.Fixes;

/// <summary>
/// S19: ML-program I/O fp32 → fp16 where the program already computes in fp16 — an fp32 input whose only readers are
/// <c>cast</c>s to fp16, an fp32 output that is a <c>cast</c> from fp16. The casts become <c>identity</c> and the
/// interface says FLOAT16 (spec ≥ 7), which drops the conversions at the boundary. Exact: every value the program
/// sees or returns is the same fp16 number (the caller converts instead of the model).
/// </summary>
public sealed class Fp16InterfaceFix : Fix
{
    public override string Id => "S19";
    public override string RuleId => "DTYPE-IO";
    public override FixSafety Safety => FixSafety.Exact;
    public override string Title => "fp32 model I/O → fp16 where the program casts at the boundary";

    public override IEnumerable<FixProposal> Propose(NetworkContext network) => [];

    public override IEnumerable<FixProposal> ProposeProgram(ModelSite site)
    {
        var program = site.Spec.MlProgram;
        var description = site.Spec.Description;
        if (program is null || description is null) yield break;
        var functionName = program.Functions.ContainsKey("main") ? "main" : program.Functions.Keys.FirstOrDefault();
        if (functionName is null) yield break;
        var function = program.Functions[functionName];
        if (!function.BlockSpecializations.TryGetValue(function.Opset, out var block)) yield break;
        var ops = block.Operations;
        // Multi-function models describe each function's interface separately (the planner refuses to touch them).
        var described = description.Functions.FirstOrDefault(f => f.Name == functionName);
        var inputs = described?.Input ?? description.Input;
        var outputs = described?.Output ?? description.Output;

        foreach (var input in inputs)
        {
            if (input.Type?.MultiArrayType?.DataType != ArrayFeatureType.Types.ArrayDataType.Float32) continue;
            var p = new FixProposal(this, site.Path, -1, input.Name);
            var name = input.Name;
            var readers = ops.Select((op, i) => (op, i)).Where(t => Reads(t.op, name)).ToList();
            if (readers.Count == 0 || readers.Any(t => t.op.Type != "cast" || DtypeOf(t.op, ops) != "fp16" || t.op.Blocks.Count > 0))
            {
                yield return p with { NotApplicable = $"input '{name}' is read by ops other than a cast to fp16; the program computes with it in fp32" };
                continue;
            }
            if (ops.Any(op => op.Blocks.Any(b => ReadsDeep(b, name))))
            {
                yield return p with { NotApplicable = $"input '{name}' is read inside a nested block" };
                continue;
            }
            var indices = readers.Select(t => t.i).ToList();
            yield return p with
            {
                Description = $"input '{name}' FLOAT32 → FLOAT16 ({indices.Count} cast(s) to fp16 become identity)",
                RequiredSpecificationVersion = 7,
                ApplyToModel = s =>
                {
                    var at = s.Program(functionName, function.Opset)!;
                    var fnInput = function.Inputs.First(i => i.Name == name).Clone();
                    fnInput.Type.TensorType.DataType = DataType.Float16;
                    at.ReplaceInput(name, fnInput);
                    foreach (var i in indices) at.ReplaceOperation(i, Identity(at.ReadOperation(i), null));
                    var feature = s.ReadInput(name);
                    feature.Type.MultiArrayType.DataType = ArrayFeatureType.Types.ArrayDataType.Float16;
                    s.ReplaceInput(name, feature);
                },
            };
        }
        foreach (var output in outputs)
        {
            if (output.Type?.MultiArrayType?.DataType != ArrayFeatureType.Types.ArrayDataType.Float32) continue;
            var p = new FixProposal(this, site.Path, -1, output.Name);
            var name = output.Name;
            var producer = ops.Select((op, i) => (op, i)).FirstOrDefault(t => t.op.Outputs.Any(o => o.Name == name));
            var source = producer.op?.Inputs.TryGetValue("x", out var x) == true && x.Arguments.Count == 1 ? x.Arguments[0].Name : null;
            if (producer.op is null || producer.op.Type != "cast" || DtypeOf(producer.op, ops) != "fp32" || source is null || TypeOf(source, ops, function) != DataType.Float16)
            {
                yield return p with { NotApplicable = $"output '{name}' is not a cast from an fp16 value; the program computes it in fp32" };
                continue;
            }
            if (ops.Any(op => Reads(op, name)) || block.Outputs.Count(o => o == name) != 1)
            {
                yield return p with { NotApplicable = $"output '{name}' is also read inside the program, which would see fp16 instead of fp32" };
                continue;
            }
            var index = producer.i;
            yield return p with
            {
                Description = $"output '{name}' FLOAT32 → FLOAT16 (the cast from fp16 becomes identity)",
                RequiredSpecificationVersion = 7,
                ApplyToModel = s =>
                {
                    var at = s.Program(functionName, function.Opset)!;
                    at.ReplaceOperation(index, Identity(at.ReadOperation(index), DataType.Float16));
                    var feature = s.ReadOutput(name);
                    feature.Type.MultiArrayType.DataType = ArrayFeatureType.Types.ArrayDataType.Float16;
                    s.ReplaceOutput(name, feature);
                },
            };
        }
    }

    /// <summary>The cast as an identity on its <c>x</c>, keeping its outputs (retyped when asked) and attributes (its name).</summary>
    private static Operation Identity(Operation cast, DataType? outputType)
    {
        var op = new Operation { Type = "identity" };
        op.Inputs["x"] = cast.Inputs["x"].Clone();
        foreach (var o in cast.Outputs)
        {
            var copy = o.Clone();
            if (outputType is { } t && copy.Type?.TensorType is not null) copy.Type.TensorType.DataType = t;
            op.Outputs.Add(copy);
        }
        op.Attributes.Add(cast.Attributes);
        return op;
    }

    private static bool Reads(Operation op, string name) => op.Inputs.Values.Any(a => a.Arguments.Any(b => b.Name == name));

    private static bool ReadsDeep(Block block, string name) =>
        block.Operations.Any(op => Reads(op, name) || op.Blocks.Any(b => ReadsDeep(b, name))) || block.Outputs.Contains(name);

    /// <summary>The cast's target dtype, immediate or from a const op.</summary>
    private static string? DtypeOf(Operation cast, IEnumerable<Operation> ops)
    {
        if (!cast.Inputs.TryGetValue("dtype", out var arg) || arg.Arguments.Count != 1) return null;
        var value = arg.Arguments[0].Value;
        if (value is null)
        {
            var name = arg.Arguments[0].Name;
            var constant = ops.FirstOrDefault(o => o.Type == "const" && o.Outputs.Any(x => x.Name == name));
            if (constant is null || !constant.Attributes.TryGetValue("val", out value)) return null;
        }
        var strings = value.ImmediateValue?.Tensor?.Strings?.Values;
        return strings is { Count: 1 } ? strings[0] : null;
    }

    private static DataType? TypeOf(string name, IEnumerable<Operation> ops, Function function)
    {
        foreach (var op in ops)
            foreach (var o in op.Outputs)
                if (o.Name == name) return o.Type?.TensorType?.DataType;
        return function.Inputs.FirstOrDefault(i => i.Name == name)?.Type?.TensorType?.DataType;
    }
}
