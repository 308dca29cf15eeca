using System.Diagnostics;
using System.Globalization;
using AneCompat.Cli.Rendering;
using AneCompat.Diagnostics;
using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Rules;
using AneCompat.Rules.Catalog;
using AneCompat.Targets;

namespace AneCompat.Bench;

/// <summary>
/// <c>stages MODEL [--repeat N]</c>: the default analysis of one model, stage by stage in one process (catalog and
/// registry load, read, rules, planner, report, text), so docs/performance.md can say where a run's time goes.
/// With --repeat the read-to-text stages run N more times warm and the last run is printed (JIT settled); with --live
/// a full collection after each stage makes the last column what the stage's results keep alive (slower, for memory).
/// </summary>
internal static class Stages
{
    public static int Run(string[] args)
    {
        var live = args.Contains("--live");
        args = args.Where(a => a != "--live").ToArray();
        if (args.Length is not (1 or 3) || (args.Length == 3 && (args[1] != "--repeat" || !int.TryParse(args[2], out _))))
        {
            Console.Error.WriteLine("usage: AneCompat.Bench stages MODEL [--repeat N] [--live]");
            return 5;
        }
        var repeat = args.Length == 3 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 0;
        var total = Stopwatch.StartNew();
        var watch = Stopwatch.StartNew();
        var lines = new List<(string Stage, double Ms, double AllocatedMiB, double LiveMiB)>();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        void Lap(string stage)
        {
            var ms = watch.Elapsed.TotalMilliseconds;
            var now = GC.GetAllocatedBytesForCurrentThread();
            lines.Add((stage, ms, (now - allocated) / 1048576.0, GC.GetTotalMemory(forceFullCollection: live) / 1048576.0));
            allocated = GC.GetAllocatedBytesForCurrentThread();
            watch.Restart();
        }

        _ = RuleCatalog.Default;
        Lap("rule catalog load");
        _ = AneCompat.Registry.OpRegistry.Unknown;
        Lap("op registry load");
        _ = RuleEngine.Default;
        Lap("rule engine (checks) load");
        try
        {
            for (var i = 0; i <= repeat; i++)
            {
                if (i > 0) { lines.RemoveRange(3, lines.Count - 3); watch.Restart(); allocated = GC.GetAllocatedBytesForCurrentThread(); }
                var graph = ModelReader.Read(args[0]);
                Lap("read (container, decode, graph)");
                var analysis = RuleEngine.Default.Evaluate(graph, ChipProfiles.Default);
                Lap($"rules ({analysis.Findings.Count} findings)");
                var plan = Planner.Predict(analysis, ComputeUnits.All);
                Lap($"planner ({plan.Segments.Count} segments)");
                var report = ReportBuilder.Build(analysis, plan);
                Lap($"report build ({report.Ops.Count} ops)");
                var text = new StringWriter();
                TextReportRenderer.Write(report, text);
                Lap($"text render ({text.GetStringBuilder().Length} chars)");
            }
        }
        catch (ModelReadException e)
        {
            Console.Error.WriteLine(e.Message);
            return 3;
        }
        Console.WriteLine(live ? "        ms   allocated MiB    live after MiB  stage" : "        ms   allocated MiB   heap after MiB  stage");
        foreach (var (stage, ms, alloc, heap) in lines)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ms,10:F1} {alloc,15:F1} {heap,16:F1}  {stage}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{total.Elapsed.TotalMilliseconds,10:F1} ms  total in process; peak RSS {PeakRss.Describe()}"));
        return 0;
    }
}
