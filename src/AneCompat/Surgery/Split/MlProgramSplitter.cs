using AneCompat.Evaluation;
using AneCompat.Graph;
using AneCompat.Schema;
using AneCompat.Schema.Mil;
using MilValueType = AneCompat.Schema.Mil.ValueType;
using Block = AneCompat.Schema.Mil.Block;
using Argument = AneCompat.Schema.Mil.Argument;

namespace AneCompat.Surgery.Split;

/// <summary>
/// Splits a single-function ML program into consecutive programs with the same opset and specification version.
/// Ops are copied unchanged and keep their names; a value crossing a cut becomes an output of the writer's
/// function and an input (same name, same MIL type) of the reader's; const ops are copied into each program that
/// uses them. fp16 crossings are fp16 multi-array features from spec 7; below that they cross as fp32 between a
/// cast pair (<see cref="Fp16Crossings"/>), as coremltools' bisect_model carries them. Each
/// sub-program gets its own weight file holding only the blobs it references, at rewritten offsets
/// (docs/surgery-split.md says why).
/// </summary>
internal static class MlProgramSplitter
{
    public const string WeightFile = "@model_path/weights/weight.bin";

    public static List<SubModel> Split(LoadedModel model, PlacementLookup placement, SplitOptions options)
    {
        var spec = model.Spec;
        var program = spec.MlProgram;
        if (program.Functions.Count != 1)
            throw new SplitRefusedException($"the program has {program.Functions.Count} functions; only single-function programs can be split");
        var only = program.Functions.Single();
        var functionName = only.Key;
        var function = only.Value;
        if (!function.BlockSpecializations.TryGetValue(function.Opset, out var block))
            throw new SplitRefusedException($"function '{functionName}' has no block for its opset {function.Opset}");
        if (function.Inputs.Any(i => i.Type.TypeCase == MilValueType.TypeOneofCase.StateType) || spec.Description.State.Count > 0)
            throw new SplitRefusedException("stateful programs cannot be split (a state cannot cross between models)");

        var graphByOutput = new Dictionary<string, Op>(StringComparer.Ordinal);
        foreach (var op in placement.Function.Body.Ops)
            foreach (var o in op.Outputs) graphByOutput.TryAdd(o.Name, op);
        var units = new List<CutUnit>();
        for (var i = 0; i < block.Operations.Count; i++)
        {
            var operation = block.Operations[i];
            var first = operation.Outputs.FirstOrDefault()?.Name;
            var device = first is not null && graphByOutput.TryGetValue(first, out var g) ? placement.DeviceOf(g) : null;
            var reads = new List<string>();
            Reads(operation, reads, new HashSet<string>(StringComparer.Ordinal));
            var constant = operation.Type == "const" || (operation.Type.StartsWith("constexpr_", StringComparison.Ordinal) && reads.Count == 0);
            units.Add(new CutUnit(i, MilEvaluator.NameOf(operation), reads, operation.Outputs.Select(o => o.Name).ToList(),
                device, constant, operation.Blocks.Count > 0));
        }
        var nested = placement.NestedNames();
        foreach (var at in options.CutAfter)
            if (!units.Any(u => u.Name == at) && nested.Contains(at))
                throw new SplitRefusedException($"--at {at}: the op is inside a nested block; cuts inside nested blocks are refused");

        var description = spec.Description;
        var modelInputs = function.Inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var parts = CutPlanner.Plan(units, options.CutAfter, modelInputs, block.Outputs.ToList(), options.By);

        var types = new Dictionary<string, MilValueType>(StringComparer.Ordinal);
        foreach (var i in function.Inputs) types[i.Name] = i.Type;
        foreach (var op in block.Operations) foreach (var o in op.Outputs) types[o.Name] = o.Type;

        var fp16 = new Fp16Crossings(parts.SelectMany(p => p.Inputs).Where(n => !modelInputs.Contains(n)), types, spec.SpecificationVersion);
        var result = new List<SubModel>();
        foreach (var part in parts)
        {
            var f = new Function { Opset = function.Opset };
            f.Attributes.Add(function.Attributes);
            var b = new Block();
            b.Attributes.Add(block.Attributes);
            foreach (var name in part.Inputs) f.Inputs.Add(new NamedValueType { Name = name, Type = fp16.FeatureType(name, types[name]).Clone() });
            var operations = part.Units.Select(i => block.Operations[i].Clone()).ToList();
            foreach (var name in part.Outputs.Where(fp16.Carries)) fp16.Write(operations, name, types[name]);
            foreach (var name in part.Inputs.Where(fp16.Carries)) fp16.Read(operations, name, types[name]);
            var blobs = RewriteBlobs(operations, model.ModelPathRoot);
            b.Operations.AddRange(operations);
            b.Outputs.AddRange(part.Outputs);
            f.BlockSpecializations.Add(function.Opset, b);
            var p = new Schema.Mil.Program { Version = program.Version, DocString = program.DocString };
            p.Attributes.Add(program.Attributes);
            p.Functions.Add(functionName, f);

            var sub = new Model { SpecificationVersion = spec.SpecificationVersion, Description = new ModelDescription(), MlProgram = p };
            if (description.Metadata is not null) sub.Description.Metadata = description.Metadata.Clone();
            foreach (var name in part.Inputs)
                sub.Description.Input.Add(modelInputs.Contains(name) && FeatureDescriptions.Original(description, name) is { } orig
                    ? orig : Describe(name, fp16.FeatureType(name, types[name]), spec.SpecificationVersion));
            foreach (var name in part.Outputs)
                sub.Description.Output.Add(description.Output.FirstOrDefault(o => o.Name == name)?.Clone()
                    ?? Describe(name, fp16.FeatureType(name, types[name]), spec.SpecificationVersion));
            result.Add(new SubModel(part.Index, part.Label, sub, part.Inputs, part.Outputs, blobs));
        }
        return result;
    }

    private static void Reads(Operation op, List<string> reads, HashSet<string> local)
    {
        foreach (var arg in op.Inputs.Values)
            foreach (var binding in arg.Arguments)
                if (binding.BindingCase == Argument.Types.Binding.BindingOneofCase.Name && !local.Contains(binding.Name) && !reads.Contains(binding.Name))
                    reads.Add(binding.Name);
        foreach (var inner in op.Blocks)
        {
            var scope = new HashSet<string>(local, StringComparer.Ordinal);
            foreach (var i in inner.Inputs) scope.Add(i.Name);
            foreach (var nestedOp in inner.Operations)
            {
                Reads(nestedOp, reads, scope);
                foreach (var o in nestedOp.Outputs) scope.Add(o.Name);
            }
            foreach (var o in inner.Outputs) if (!scope.Contains(o) && !reads.Contains(o)) reads.Add(o);
        }
    }

    /// <summary>A crossing value as a multi-array feature. Only tensors of fixed shape and a feature data type can cross.</summary>
    private static FeatureDescription Describe(string name, MilValueType type, int specVersion)
    {
        if (type.TypeCase != MilValueType.TypeOneofCase.TensorType)
            throw new SplitRefusedException($"'{name}' crosses the cut but is a {type.TypeCase}, which cannot be a model feature");
        var t = type.TensorType;
        var shape = MilConstants.Shape(t) ?? throw new SplitRefusedException($"'{name}' crosses the cut with a symbolic shape; give the input a fixed shape first");
        var dataType = t.DataType switch
        {
            DataType.Float32 => ArrayFeatureType.Types.ArrayDataType.Float32,
            DataType.Float64 => ArrayFeatureType.Types.ArrayDataType.Double,
            DataType.Int32 => ArrayFeatureType.Types.ArrayDataType.Int32,
            DataType.Float16 when specVersion >= 7 => ArrayFeatureType.Types.ArrayDataType.Float16,
            var other => throw new SplitRefusedException($"'{name}' crosses the cut as {other}, which a model feature cannot be"),
        };
        return FeatureDescriptions.MultiArray(name, shape.Select(d => (long)d), dataType);
    }

    /// <summary>Points every blob reference of <paramref name="operations"/> at the sub-program's own weight file and
    /// returns the copies to make (each distinct source blob once, 64-byte aligned as the storage format wants).</summary>
    private static List<BlobCopy> RewriteBlobs(List<Operation> operations, string? modelPathRoot)
    {
        var copies = new List<BlobCopy>();
        var placed = new Dictionary<(string, ulong), ulong>();
        ulong next = 64;
        using var reader = modelPathRoot is null ? null : new Decoders.Blobs.MilBlobReader(modelPathRoot, new List<ReadWarning>());
        void Visit(Value v)
        {
            if (v.ValueCase != Value.ValueOneofCase.BlobFileValue) return;
            var blob = v.BlobFileValue;
            var key = (blob.FileName, blob.Offset);
            if (!placed.TryGetValue(key, out var offset))
            {
                if (reader is null) throw new SplitRefusedException($"the program references {blob.FileName} but has no weight folder");
                var where = reader.Resolve(blob.FileName, blob.Offset, ElementType.Unknown);
                if (!where.Resolved || where.SizeBytes is not long size)
                    throw new SplitRefusedException($"weight file {blob.FileName} is missing; a split needs the weights it copies");
                offset = next;
                placed[key] = offset;
                copies.Add(new BlobCopy(where.File, blob.Offset, offset, (ulong)size));
                next = Align(offset + 64 + (ulong)size);
            }
            blob.FileName = WeightFile;
            blob.Offset = offset;
        }
        void Walk(Operation op)
        {
            foreach (var a in op.Attributes.Values) Visit(a);
            foreach (var arg in op.Inputs.Values) foreach (var b in arg.Arguments) if (b.Value is not null) Visit(b.Value);
            foreach (var blk in op.Blocks) foreach (var inner in blk.Operations) Walk(inner);
        }
        foreach (var op in operations) Walk(op);
        return copies;
    }

    public static ulong Align(ulong n) => (n + 63) / 64 * 64;
}
