using System.Diagnostics;
using System.Globalization;
using AneCompat.Diagnostics;
using AneCompat.Schema;
using AneCompat.Surgery;
using AneCompat.Writing;

namespace AneCompat.Bench;

/// <summary>Measures <c>fix</c> on huge models: a fixable layer is spliced onto a generated one, then fixed, each in its own process.</summary>
internal static class FixCommands
{
    /// <summary><c>make-fixable IN OUT</c>: copies IN (streamed) with one <c>addBroadcastable(h, h)</c> appended to its network.</summary>
    public static int MakeFixable(string[] args)
    {
        if (args.Length != 2) return Usage("make-fixable IN.mlmodel OUT.mlmodel");
        var watch = Stopwatch.StartNew();
        using (var model = RewritableModel.Open(args[0]))
        {
            var last = model.Root.Layers!.Last(l => l.LayerCase == NeuralNetworkLayer.LayerOneofCase.InnerProduct).Output[0];
            var layer = new NeuralNetworkLayer { Name = "double_last", AddBroadcastable = new AddBroadcastableLayerParams() };
            layer.Input.Add(last);
            layer.Input.Add(last);
            layer.Output.Add("doubled");
            model.Root.NetworkEdit.Appended.Add(SpliceChunk.Field(1, layer));
            model.Write(args[1], []);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {args[1]} ({new FileInfo(args[1]).Length} bytes) in {watch.Elapsed.TotalSeconds:F1} s, peak RSS {PeakRss.Describe()}"));
        return 0;
    }

    /// <summary><c>measure-fix IN OUT</c>: runs fix (default rewrites) once and prints time and peak memory.</summary>
    public static int MeasureFix(string[] args)
    {
        if (args.Length != 2) return Usage("measure-fix IN.mlmodel OUT.mlmodel");
        var watch = Stopwatch.StartNew();
        try
        {
            var outcome = FixRunner.Run(args[0], args[1], new FixOptions(), dryRun: false);
            watch.Stop();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{args[0]} ({new FileInfo(args[0]).Length} bytes): {outcome.Plan.Applied.Count()} rewrite(s) applied, wrote {new FileInfo(args[1]).Length} bytes, " +
                $"{watch.Elapsed.TotalSeconds:F1} s (read, analyse, plan, prove, write, re-read, analyse), peak RSS {PeakRss.Describe()}"));
            return 0;
        }
        catch (Exception e) when (e is ModelReadException or FixRefusedException)
        {
            Console.Error.WriteLine(e.Message);
            return 3;
        }
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"usage: dotnet run --project bench/AneCompat.Bench -c Release -- {message}");
        return 5;
    }
}
