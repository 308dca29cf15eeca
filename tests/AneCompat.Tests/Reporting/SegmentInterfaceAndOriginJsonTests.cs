using System.Text.Json;
using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Targets;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Reporting;

/// <summary>
/// Report schema 2 on real corpus models of every on-disk form: each segment's typed interface (inputTensors,
/// outputTensors) and each op's origin in its file, validated against docs/report-schema.json and checked for what they
/// promise — a tensor read from another segment is one that segment lists as an output, sizes agree with dtype and
/// shape, the version-1 <c>inputs[]</c> are a part of the typed inputs, an op's origin names the member, function and
/// nested block it sits in, and source indices (and model.mil lines) run in file order.
/// </summary>
public class SegmentInterfaceAndOriginJsonTests
{
    private static MiniJsonSchema Schema() =>
        new(JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Corpus.RepoRoot, "docs", "report-schema.json"))).RootElement);

    private static readonly Dictionary<string, int> BitsOf = new() { ["fp16"] = 16, ["fp32"] = 32, ["int32"] = 32, ["int8"] = 8, ["uint8"] = 8, ["fp64"] = 64, ["int64"] = 64, ["bool"] = 8 };

    [CorpusTheory]
    [InlineData("tf-lstm-nd-controlflow/model.mlmodel", "neural-network")]          // loops and branches: nested blocks
    [InlineData("blazeface-nms-pipeline/blazeface_pipeline.mlmodel", "neural-network")] // pipeline: members
    [InlineData("yolo11n-mlprogram-speconly/model.mlmodel", "mil-program")]
    [InlineData("superpoint-mlpackage/superpoint.mlpackage", "mil-program")]
    [InlineData("fluidaudio-transposeencoder-mlmodelc/TransposeEncoder.mlmodelc", "mil-text")]
    [InlineData("waifu2x-up-photo-2x-mlmodelc/up_photo_scale2x_model.mlmodelc", "espresso")]
    public void Segment_interfaces_and_op_origins_are_in_the_json_and_mean_what_they_say(string model, string format)
    {
        var report = ReportBuilder.Analyze(ModelReader.Read(Corpus.Path(model)), ChipProfiles.Default, ComputeUnits.All);
        using var doc = JsonDocument.Parse(JsonReportWriter.ToJson(report));
        var root = doc.RootElement;
        Assert.Empty(Schema().Validate(root));
        Assert.Equal(2, root.GetProperty("schemaVersion").GetInt32());

        CheckInterfaces(root.GetProperty("segments").EnumerateArray().ToList());
        CheckOrigins(root.GetProperty("ops").EnumerateArray().ToList(), format);
    }

    private static void CheckInterfaces(List<JsonElement> segments)
    {
        var outputs = segments.Select(s => s.GetProperty("outputTensors").EnumerateArray().Select(t => t.GetProperty("name").GetString()!).ToHashSet()).ToList();
        var typed = 0;
        foreach (var s in segments)
        {
            var ins = s.GetProperty("inputTensors").EnumerateArray().ToList();
            var outs = s.GetProperty("outputTensors").EnumerateArray().ToList();
            foreach (var t in ins.Concat(outs))
            {
                typed++;
                var dtype = t.GetProperty("dtype");
                var shape = t.GetProperty("shape");
                var bytes = t.GetProperty("bytes");
                // type is dtype and shape together, as reports print them.
                var shapeText = shape.ValueKind == JsonValueKind.Null ? "?" : "[" + string.Join(", ", shape.EnumerateArray().Select(d => d.ValueKind == JsonValueKind.Null ? "?" : d.ToString())) + "]";
                Assert.EndsWith(shapeText, t.GetProperty("type").GetString());
                if (dtype.ValueKind == JsonValueKind.String && BitsOf.TryGetValue(dtype.GetString()!, out var bits) && shape.ValueKind == JsonValueKind.Array
                    && shape.EnumerateArray().All(d => d.ValueKind == JsonValueKind.Number))
                {
                    var elements = shape.EnumerateArray().Aggregate(1L, (n, d) => n * d.GetInt64());
                    Assert.Equal((elements * bits + 7) / 8, bytes.GetInt64());
                }
            }
            Assert.All(outs, t => Assert.Equal(JsonValueKind.Null, t.GetProperty("fromSegment").ValueKind));
            // A tensor read from another segment is one that segment hands out.
            foreach (var t in ins.Where(t => t.GetProperty("fromSegment").ValueKind == JsonValueKind.Number))
            {
                var from = t.GetProperty("fromSegment").GetInt32();
                Assert.NotEqual(s.GetProperty("index").GetInt32(), from);
                Assert.Contains(t.GetProperty("name").GetString()!, outputs[from]);
            }
            // Version 1's inputs (copies from another device) are among the typed inputs, with the same producer and size.
            foreach (var copy in s.GetProperty("inputs").EnumerateArray())
            {
                var t = Assert.Single(ins, x => x.GetProperty("name").GetString() == copy.GetProperty("name").GetString());
                Assert.Equal(copy.GetProperty("fromSegment").GetInt32(), t.GetProperty("fromSegment").GetInt32());
                Assert.Equal(copy.GetProperty("bytes").ToString(), t.GetProperty("bytes").ToString());
            }
            // A segment of ops reads something and hands something on (a model's last segment hands out its outputs).
            if (s.GetProperty("firstOp").ValueKind == JsonValueKind.Number)
                Assert.True(outs.Count > 0, $"segment {s.GetProperty("index")} hands nothing out");
        }
        Assert.True(typed > 0, "no typed boundary tensor at all");
    }

    private static void CheckOrigins(List<JsonElement> ops, string format)
    {
        var lastIndex = new Dictionary<string, int>();
        var lastLine = 0;
        foreach (var op in ops)
        {
            var o = op.GetProperty("origin");
            Assert.Equal(format, o.GetProperty("format").GetString());
            // The name as written is the op's name; the function is the op's own, below its member.
            var name = op.GetProperty("name");
            if (name.ValueKind == JsonValueKind.String) Assert.Equal(name.GetString(), o.GetProperty("name").GetString());
            var member = o.GetProperty("member").GetString()!;
            var function = op.GetProperty("function").GetString()!;
            Assert.Equal(member.Length == 0 ? o.GetProperty("function").GetString() : $"{member}/{o.GetProperty("function").GetString()}", function);

            var path = o.GetProperty("blockPath").EnumerateArray().ToList();
            var parent = op.GetProperty("parent");
            if (parent.ValueKind == JsonValueKind.Number)
            {
                // Inside a nested block: one step below its owner, whose index in its own list is the step's op index.
                var owner = ops[parent.GetInt32()].GetProperty("origin");
                var ownerPath = owner.GetProperty("blockPath").EnumerateArray().ToList();
                Assert.Equal(ownerPath.Count + 1, path.Count);
                Assert.Equal(owner.GetProperty("index").GetInt32(), path[^1].GetProperty("opIndex").GetInt32());
                Assert.Equal(ownerPath.Select(p => p.GetRawText()), path.Take(ownerPath.Count).Select(p => p.GetRawText()));
            }
            else Assert.Empty(path);

            // Indices run in file order within each list; the locator says the same in one string.
            var list = member + "|" + function + "|" + string.Concat(path.Select(p => p.GetRawText()));
            var index = o.GetProperty("index").GetInt32();
            if (lastIndex.TryGetValue(list, out var before)) Assert.True(index > before, $"op {op.GetProperty("index")} has source index {index} after {before} in {list}");
            lastIndex[list] = index;
            Assert.EndsWith($"[{index}]", o.GetProperty("locator").GetString());
            Assert.StartsWith(member.Length == 0 ? o.GetProperty("function").GetString()! : member + "/", o.GetProperty("locator").GetString());
            foreach (var step in path) Assert.Contains($"[{step.GetProperty("opIndex").GetInt32()}].{step.GetProperty("block").GetString()}", o.GetProperty("locator").GetString());

            var line = o.GetProperty("line");
            if (format == "mil-text")
            {
                Assert.True(line.GetInt32() > lastLine, $"op {op.GetProperty("index")} on line {line} after line {lastLine}");
                lastLine = line.GetInt32();
            }
            else Assert.Equal(JsonValueKind.Null, line.ValueKind);
        }
        if (format == "neural-network" && ops.Any(o => o.GetProperty("parent").ValueKind == JsonValueKind.Number))
            Assert.Contains(ops, o => o.GetProperty("origin").GetProperty("blockPath").GetArrayLength() > 0);
    }
}
