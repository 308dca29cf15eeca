using System.Diagnostics;
using System.Globalization;
using AneCompat.Diagnostics;
using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Targets;

namespace AneCompat.Bench;

/// <summary>
/// Op-count bound measurements (docs/robustness.md, "Bounds before building"): a generator for a NeuralNetwork model
/// of N ReLU layers written straight as protobuf bytes, and a whole-pipeline measurement (read → analyse → every
/// writer) printing time and peak memory.
/// </summary>
internal static class ManyOps
{
    /// <summary><c>make-many-ops N OUT.mlmodel</c>: x → relu → … → relu (N layers), a few dozen bytes per layer.</summary>
    public static int Make(string[] args)
    {
        if (args.Length != 2 || !int.TryParse(args[0], out var n) || n < 1)
        {
            Console.Error.WriteLine("usage: make-many-ops N OUT.mlmodel");
            return 5;
        }
        using (var f = File.Create(args[1]))
        {
            var layers = new MemoryStream();
            for (var i = 0; i < n; i++)
            {
                var layer = Concat(
                    Str(1, $"l{i}"), Str(2, i == 0 ? "x" : $"h{i - 1}"), Str(3, i == n - 1 ? "y" : $"h{i}"),
                    Msg(130, Msg(10, Array.Empty<byte>())));
                layers.Write(Msg(1, layer));
            }
            var array = Msg(5, Concat(Varint(8 * 1 + 0), Varint(1), Varint(8 * 1 + 0), Varint(8), Varint(8 * 2 + 0), Varint(65568))); // multiArrayType {shape [1, 8], dataType FLOAT32}
            var description = Concat(Msg(1, Concat(Str(1, "x"), Msg(3, array))), Msg(10, Concat(Str(1, "y"), Msg(3, array))));
            f.Write(Concat(Varint(8), Varint(4), Msg(2, description)));
            f.Write(Tag(500, 2));
            f.Write(Varint((ulong)layers.Length));
            layers.Position = 0;
            layers.CopyTo(f);
        }
        Console.WriteLine($"wrote {args[1]}: {n} layers, {new FileInfo(args[1]).Length} bytes");
        return 0;
    }

    /// <summary><c>measure-pipeline PATH</c>: read, analyse for the default target, render JSON, SARIF, HTML and text.</summary>
    public static int Measure(string[] args)
    {
        if (args.Length != 1) { Console.Error.WriteLine("usage: measure-pipeline PATH"); return 5; }
        var watch = Stopwatch.StartNew();
        try
        {
            var graph = ModelReader.Read(args[0]);
            var read = watch.Elapsed;
            var stages = new List<string> { $"read {PeakRss.Describe()}" };
            var report = ReportBuilder.Analyze(graph, ChipProfiles.Default, ComputeUnits.All);
            stages.Add($"analysed {PeakRss.Describe()}");
            JsonReportWriter.Write(report, Stream.Null);
            stages.Add($"JSON {PeakRss.Describe()}");
            SarifReportWriter.Write(report, Stream.Null);
            stages.Add($"SARIF {PeakRss.Describe()}");
            HtmlReportWriter.Write(report, Stream.Null);
            stages.Add($"HTML {PeakRss.Describe()}");
            SegmentsTextWriter.Write(report, TextWriter.Null);
            Console.WriteLine("peak after each stage: " + string.Join("; ", stages));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{args[0]}: {graph.AllOps().Count()} ops, read {read.TotalSeconds:F1} s, whole pipeline {watch.Elapsed.TotalSeconds:F1} s, peak RSS {PeakRss.Describe()}"));
            return 0;
        }
        catch (ModelReadException e)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"refused after {watch.Elapsed.TotalSeconds:F2} s, peak RSS {PeakRss.Describe()}: {e.Message}"));
            return 3;
        }
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
    private static byte[] Tag(int field, int wire) => Varint((ulong)(field << 3 | wire));
    private static byte[] Str(int field, string s) => Msg(field, System.Text.Encoding.UTF8.GetBytes(s));
    private static byte[] Msg(int field, byte[] payload) => Concat(Tag(field, 2), Varint((ulong)payload.Length), payload);

    private static byte[] Varint(ulong v)
    {
        var bytes = new List<byte>();
        while (v >= 0x80) { bytes.Add((byte)(v | 0x80)); v >>= 7; }
        bytes.Add((byte)v);
        return bytes.ToArray();
    }
}
