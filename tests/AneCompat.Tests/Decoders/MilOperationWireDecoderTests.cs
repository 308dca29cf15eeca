using System.Globalization;
using System.Text;
using AneCompat.Building;
using AneCompat.Containers;
using AneCompat.Decoders.Blobs;
using AneCompat.Decoders.MilProgram;
using AneCompat.Decoders.Protobuf;
using AneCompat.Diagnostics;
using AneCompat.Graph;
using AneCompat.Schema;
using AneCompat.Schema.Mil;
using AneCompat.Tests.Support;
using Google.Protobuf;
using Block = AneCompat.Graph.Block;
using ValueType = AneCompat.Schema.Mil.ValueType;

namespace AneCompat.Tests.Decoders;

/// <summary>
/// The analysis reader defers ML-program operations and <see cref="MilOperationWireDecoder"/> decodes them from their
/// bytes; the writers' eager read gives protobuf objects that <see cref="MilProgramDecoder"/> decodes. Both must give
/// the same graph, op for op, on real programs and on operations mutated at the byte level.
/// </summary>
public class MilOperationWireDecoderTests
{
    public static IEnumerable<object[]> CorpusPrograms() => MilProgramDecoderTests.ProtobufPrograms();

    [CorpusTheory]
    [MemberData(nameof(CorpusPrograms))]
    public void Corpus_program_decodes_to_the_same_graph_from_wire_bytes_as_from_protobuf_objects(string key)
    {
        var path = Corpus.Path(key);
        var modelFile = Directory.Exists(path) ? PackageManifest.ResolveRootModel(path) : path;
        var wire = Decode(modelFile, deferred: true);
        var objects = Decode(modelFile, deferred: false);
        Assert.True(wire.DeferredOps > 0);
        Assert.Equal(0, objects.DeferredOps);
        Assert.Equal(objects.Dump, wire.Dump);
    }

    [Fact]
    public void Generated_program_with_nested_blocks_and_every_kind_of_literal_decodes_the_same_both_ways()
    {
        using var dir = new TempDir();
        var package = dir.File("nested.mlpackage");
        NestedProgram().WritePackage(package);
        var modelFile = PackageManifest.ResolveRootModel(package);
        var wire = Decode(modelFile, deferred: true);
        var objects = Decode(modelFile, deferred: false);
        Assert.Equal(objects.Dump, wire.Dump);
        // The comparison covers what it should: ops two blocks deep, inline literals, a resolved blob, a hint.
        Assert.Contains("origin=main[6].blocks[0][1].blocks[1][0] ", wire.Dump);
        Assert.Contains("floats=[0.5,-2,1.0000000150474662E+30]", wire.Dump);
        Assert.Contains("blob=", wire.Dump);
        Assert.Contains("attr intended_backend=[ane]", wire.Dump);
    }

    /// <summary>
    /// Operations of the generated program, mutated at the byte level (fields duplicated, so singular messages merge
    /// and map keys repeat; messages split in two; numbers repacked or unpacked; unknown fields, wrong wire types,
    /// oneof members switched; strings made invalid UTF-8; payloads and whole operations cut short): the wire path
    /// and the protobuf path give the same graph or both refuse the file in one line naming it.
    /// </summary>
    [Fact]
    public void Mutated_operations_decode_the_same_both_ways_or_are_refused_by_both()
    {
        using var dir = new TempDir();
        var builder = NestedProgram();
        var model = builder.Build();
        builder.WriteWeights(dir.File("weights/weight.bin"));
        var function = model.MlProgram.Functions["main"];
        var opset = function.Opset;
        var operations = function.BlockSpecializations[opset].Operations.Select(o => o.ToByteArray()).ToArray();
        var random = new Random(20261130);
        var modelFile = dir.File("mutated.mlmodel");
        File.WriteAllBytes(modelFile, ModelWithOperations(model, operations));
        var original = Outcome(modelFile, deferred: true);
        Assert.DoesNotContain("refused", original);
        int refused = 0, changed = 0;
        for (var n = 0; n < 500; n++)
        {
            var target = random.Next(operations.Length);
            var ops = (byte[][])operations.Clone();
            var mutated = ops[target];
            for (var m = random.Next(1, 4); m > 0; m--) mutated = WireMutator.Mutate(mutated, random);
            ops[target] = mutated;
            File.WriteAllBytes(modelFile, ModelWithOperations(model, ops));
            var wire = Outcome(modelFile, deferred: true);
            var objects = Outcome(modelFile, deferred: false);
            Assert.True(objects == wire, $"case {n}: protobuf path\n{objects}\nwire path\n{wire}");
            if (wire.StartsWith("refused", StringComparison.Ordinal))
            {
                refused++;
                // The model file, or its folder when the problem is a weight reference resolved against it.
                Assert.Contains(dir.Path, wire);
                Assert.DoesNotContain('\n', wire);
            }
            else if (wire != original)
                changed++;
        }
        // The mutations must exercise both outcomes, and change what is decoded, not only break it.
        Assert.True(refused > 25, $"{refused} refused");
        Assert.True(changed > 100, $"{changed} decoded differently from the original");
    }

    private static string Outcome(string modelFile, bool deferred)
    {
        try
        {
            return Decode(modelFile, deferred).Dump;
        }
        catch (ModelReadException e)
        {
            return "refused " + e.Message;
        }
    }

    private static (string Dump, int DeferredOps) Decode(string modelFile, bool deferred)
    {
        var model = WeightElidingReader.Read(modelFile, deferMilOperations: deferred);
        var deferredOps = model.MlProgram.Functions.Values.SelectMany(f => f.BlockSpecializations.Values)
            .Sum(b => b.AnecompatDeferredOperations.Count);
        var warnings = new List<ReadWarning>();
        using var blobs = new MilBlobReader(Path.GetDirectoryName(modelFile)!, warnings);
        var functions = MilProgramDecoder.Decode(model.MlProgram, blobs, warnings, "", modelFile);
        var dump = new StringBuilder();
        foreach (var f in functions)
        {
            dump.Append(CultureInfo.InvariantCulture, $"function {f.Name} opset={f.Opset} inputs={Values(f.Inputs)}\n");
            DumpBlock(dump, f.Body, "  ");
        }
        foreach (var w in warnings) dump.Append(CultureInfo.InvariantCulture, $"warning {w.Code}: {w.Message}\n");
        return (dump.ToString(), deferredOps);
    }

    /// <summary>Every decoded fact of every op, in order, nested blocks indented under their op.</summary>
    private static void DumpBlock(StringBuilder dump, Block block, string indent)
    {
        dump.Append(CultureInfo.InvariantCulture, $"{indent}block inputs={Values(block.Inputs)} outputs=[{string.Join(",", block.Outputs)}]\n");
        foreach (var op in block.Ops)
        {
            var o = op.Origin;
            dump.Append(CultureInfo.InvariantCulture,
                $"{indent}op {op.Kind} source={op.Source} name={op.Name ?? "(null)"} opset={op.Opset} function={op.Function} " +
                $"origin={o} ({o.Format}, {o.Member}, {o.Function}, {o.Name ?? "(null)"}) weightBytes={op.WeightBytes}\n");
            foreach (var input in op.Inputs)
                dump.Append(CultureInfo.InvariantCulture, $"{indent}  in {input.Parameter} = {string.Join(" | ", input.Arguments.Select(Argument))}\n");
            dump.Append(CultureInfo.InvariantCulture, $"{indent}  out {Values(op.Outputs)}\n");
            foreach (var (key, value) in op.Attributes.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                dump.Append(CultureInfo.InvariantCulture, $"{indent}  attr {key}={(value is string[] s ? "[" + string.Join(",", s) + "]" : value)}\n");
            foreach (var nested in op.Blocks) DumpBlock(dump, nested, indent + "    ");
        }
    }

    private static string Values(IEnumerable<GraphValue> values) => "[" + string.Join(", ", values.Select(v => $"{v.Name}:{v.Type}")) + "]";

    private static string Argument(AneCompat.Graph.Argument a)
    {
        var text = $"name={a.Name ?? "(null)"} type={a.Type}";
        if (a.Constant is not { } c) return text;
        static string List<T>(T[]? values) => values is null ? "null" : "[" + string.Join(",", values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))) + "]";
        return text + $" const(type={c.Type} ints={List(c.Ints)} floats={List(c.Floats)} bools={List(c.Bools)} strings={List(c.Strings)} " +
            $"payload={c.PayloadBytes} blob={c.Blob})";
    }

    /// <summary>
    /// A program with a cond whose branch holds a while_loop (ops two blocks deep), constants of every literal
    /// kind, a weight in the blob file, an op with an IntendedBackend hint and a debug_id.
    /// </summary>
    private static MlProgramBuilder NestedProgram()
    {
        var f16 = MilTypes.Tensor(DataType.Float16, 1, 4);
        var i32 = MilTypes.Scalar(DataType.Int32);
        Value Immediate(ValueType type, Value.Types.ImmediateValue immediate) => new() { Type = type, ImmediateValue = immediate };
        var list = new ListValue { Values = { MilValues.Int32(3), MilValues.Float32(1.5f) } };
        var tuple = new TupleValue { Values = { MilValues.String("a"), MilValues.Bool(true) } };
        var dictionary = new DictionaryValue { Values = { new DictionaryValue.Types.KeyValuePair { Key = MilValues.String("k"), Value = MilValues.Int32(7) } } };
        return new MlProgramBuilder()
            .Function("main", f => f
                .Input("x", f16)
                .Const("floats", MilValues.Float32s([0.5f, -2f, 1e30f], [3]))
                .Const("longs", MilValues.Int64s([1L << 40, -5], [2]))
                .Const("halves", MilValues.Bytes(DataType.Float16, [0x00, 0x3C, 0x00, 0xC0], [2]))
                .Const("list", Immediate(MilTypes.List(i32, 2), new Value.Types.ImmediateValue { List = list }))
                .Const("tuple", Immediate(MilTypes.Tuple(MilTypes.Scalar(DataType.String), MilTypes.Scalar(DataType.Bool)), new Value.Types.ImmediateValue { Tuple = tuple }))
                .ConstBlob("w", DataType.Float16, [4, 4])
                .Op("cond", new MilInputs { ["pred"] = MilValues.Bool(true) }, [("z", f16)], "branch", null,
                    then => then
                        .Op("mul", new MilInputs { ["x"] = "x", ["y"] = MilValues.Float32s([2f, 3f], [2]) }, "t0", f16)
                        .Op("while_loop", new MilInputs { ["loop_vars"] = MilArg.Names("t0", "x") }, [("t", f16)], "loop", null,
                            condition => condition.BlockInput("a", f16)
                                .Op("less", new MilInputs { ["x"] = "a", ["y"] = MilValues.Int32(4) }, "c", MilTypes.Scalar(DataType.Bool)).Output("c"),
                            body => body.BlockInput("b", f16)
                                .Op("relu", new MilInputs { ["x"] = "b" }, "r", f16).Output("r"))
                        .Output("t"),
                    otherwise => otherwise.Op("matmul", new MilInputs { ["x"] = "x", ["y"] = "w" }, "e", f16).Output("e"))
                .Op("sigmoid", new MilInputs { ["x"] = "z" }, [("s", f16)], "hinted", new Dictionary<string, Value>
                {
                    ["IntendedBackend"] = MilValues.Strings(["ane"], [1]),
                    ["debug_id"] = MilValues.Int32(12),
                    ["table"] = Immediate(new ValueType { DictionaryType = new DictionaryType() }, new Value.Types.ImmediateValue { Dictionary = dictionary }),
                })
                .Output("s"));
    }

    /// <summary>
    /// The model with its main block's operations replaced by <paramref name="operations"/> as given, byte for byte
    /// (protobuf objects cannot hold malformed bytes): each enclosing message is written without the part that
    /// changes, then that part is appended as an encoded field (protobuf reads fields in any order).
    /// </summary>
    private static byte[] ModelWithOperations(Model model, byte[][] operations)
    {
        var function = model.MlProgram.Functions["main"];
        var block = function.BlockSpecializations[function.Opset].Clone();
        block.Operations.Clear();
        var blockBytes = block.ToByteArray().Concat(operations.SelectMany(op => Field(Schema.Mil.Block.OperationsFieldNumber, op))).ToArray();
        var bareFunction = function.Clone();
        bareFunction.BlockSpecializations.Clear();
        var functionBytes = bareFunction.ToByteArray()
            .Concat(Field(Function.BlockSpecializationsFieldNumber, Field(1, Encoding.UTF8.GetBytes(function.Opset)).Concat(Field(2, blockBytes)).ToArray())).ToArray();
        var program = model.MlProgram.Clone();
        program.Functions.Clear();
        var programBytes = program.ToByteArray()
            .Concat(Field(Schema.Mil.Program.FunctionsFieldNumber, Field(1, "main"u8.ToArray()).Concat(Field(2, functionBytes)).ToArray())).ToArray();
        var bareModel = model.Clone();
        bareModel.MlProgram = null;
        return bareModel.ToByteArray().Concat(Field(Model.MlProgramFieldNumber, programBytes)).ToArray();
    }

    private static byte[] Field(int number, byte[] payload) =>
        WireMutator.Varint((ulong)number << 3 | 2).Concat(WireMutator.Varint((ulong)payload.Length)).Concat(payload).ToArray();
}
