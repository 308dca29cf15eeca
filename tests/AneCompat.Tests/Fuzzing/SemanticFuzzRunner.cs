using System.Collections.Concurrent;
using System.Diagnostics;
using AneCompat.Cli.Rendering;
using AneCompat.Decoders.Protobuf;
using AneCompat.Diagnostics;
using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Targets;

namespace AneCompat.Tests.Fuzzing;

/// <summary>
/// Drives semantic mutants through the whole pipeline in process: read → analyse on two of every target × compute-unit
/// setting → every writer (CLI text, JSON, SARIF, HTML, segments, dump text and dump --json). Pass per case: a
/// <see cref="ModelReadException"/> of one line naming the mutant from reading or analysis (the contract's exit 3),
/// or every stage and writer completing; anything else — another exception, a writer failing on a report that
/// analysis produced, a case over the watchdog — fails the run with the case's number and its mutations.
/// </summary>
public sealed class SemanticFuzzRunner
{
    public required ulong RunSeed { get; init; }
    /// <summary>
    /// The watchdog: a case still running after this fails the run as a hang. 30 s by default — the slowest cases
    /// (the corpus's largest models, two analyses and five writers) take 3–5 s on a loaded 2-core machine;
    /// SEMANTIC_FUZZ_TIMEOUT_S changes it for runs beside other work.
    /// </summary>
    public TimeSpan CaseTimeout { get; init; } = TimeSpan.FromSeconds(
        double.TryParse(Environment.GetEnvironmentVariable("SEMANTIC_FUZZ_TIMEOUT_S"), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 30);
    public int Workers { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>Every chip with every compute-unit setting; each case analyses two of them, picked by its seed.</summary>
    private static readonly (ChipProfile Chip, ComputeUnits Units)[] Settings =
        ChipProfiles.All.SelectMany(p => Enum.GetValues<ComputeUnits>().Select(u => (p, u))).ToArray();

    private static readonly Lazy<IReadOnlyList<SemanticMutator.Seed>> LoadedSeeds = new(LoadSeeds);

    public static IReadOnlyList<SemanticMutator.Seed> Seeds => LoadedSeeds.Value;

    /// <summary>Protobuf models of the corpus (weights elided by the reader's own walk) and every model.mil.</summary>
    private static IReadOnlyList<SemanticMutator.Seed> LoadSeeds()
    {
        var seeds = new List<SemanticMutator.Seed>();
        foreach (var target in FuzzCorpus.Targets)
        {
            var file = target.Seed.IsFolder ? Path.Combine(target.Seed.ModelPath, target.RelativePath) : target.Seed.ModelPath;
            if (target.Format == FuzzFormat.ProtobufModel)
            {
                try { seeds.Add(new SemanticMutator.ProtoSeed(target.Describe, WeightElidingReader.Read(file))); }
                catch (ModelReadException) { }
            }
            else if (target.Format == FuzzFormat.MilText)
            {
                seeds.Add(new SemanticMutator.MilSeed(target.Describe, File.ReadAllText(file)));
            }
        }
        return seeds;
    }

    public sealed class Result
    {
        public long Cases;
        public long Completed;
        public long ReadRefused;
        public long AnalysisRefused;
        public readonly ConcurrentQueue<string> Failures = new();
        public double SlowestMs;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan? _elapsed;
        /// <summary>Wall time so far, or of the whole run once it has ended (progress lines are written while it runs).</summary>
        public TimeSpan Elapsed => _elapsed ?? _clock.Elapsed;
        public void Stop() => _elapsed = _clock.Elapsed;
        /// <summary>Time spent per stage over every case (all workers), so a long run says where its hours went.</summary>
        public readonly ConcurrentDictionary<string, long> StageTicks = new();
        public void AddStage(string stage, long ticks) => StageTicks.AddOrUpdate(stage, ticks, (_, t) => t + ticks);
        public string Summary() =>
            $"{Cases} cases in {Elapsed.TotalSeconds:F1} s: {Completed} through every writer, {ReadRefused} refused by the reader, " +
            $"{AnalysisRefused} refused by analysis; slowest {SlowestMs:F0} ms; {Failures.Count} failures"
            + (StageTicks.IsEmpty ? "" : "; time by stage: " + string.Join(", ", StageTicks.OrderByDescending(p => p.Value)
                .Select(p => $"{p.Key} {TimeSpan.FromTicks(p.Value).TotalSeconds:F1} s")));
    }

    public Result Run(long first, long count)
    {
        var result = new Result();
        var next = first - 1;
        var root = Path.Combine(Path.GetTempPath(), "anecompat-semfuzz-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        try
        {
            var workers = Enumerable.Range(0, Workers).Select(w => new Thread(() =>
            {
                var dir = Path.Combine(root, "w" + w);
                Directory.CreateDirectory(dir);
                long n;
                while ((n = Interlocked.Increment(ref next)) < first + count)
                    RunCaseWithWatchdog(n, dir, result);
            }) { IsBackground = true }).ToList();
            workers.ForEach(t => t.Start());
            workers.ForEach(t => t.Join());
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        result.Stop();
        return result;
    }

    private void RunCaseWithWatchdog(long n, string dir, Result result)
    {
        var rng = new Random(unchecked((int)(RunSeed * 0x9E3779B97F4A7C15UL ^ (ulong)n * 0xBF58476D1CE4E5B9UL >> 7)));
        var seed = Seeds[rng.Next(Seeds.Count)];
        byte[] bytes;
        string description;
        try { (bytes, description) = SemanticMutator.Mutate(seed, rng); }
        catch (Exception e)
        {
            result.Failures.Enqueue($"case {n} (seed {RunSeed}) {seed.Name}: the mutator failed: {e}");
            Interlocked.Increment(ref result.Cases);
            return;
        }
        var label = $"case {n} (seed {RunSeed}) {seed.Name}: {description}";
        var clock = Stopwatch.StartNew();
        var settings = new[] { Settings[rng.Next(Settings.Length)], Settings[rng.Next(Settings.Length)] };
        label += $" on {string.Join(", ", settings.Select(s => $"{s.Chip.Name}/{s.Units.ToName()}"))}";
        var task = Task.Run(() => RunCase(seed, bytes, dir, n, settings, result, label));
        if (!task.Wait(CaseTimeout))
        {
            result.Failures.Enqueue($"{label}: still running after {CaseTimeout.TotalSeconds} s (watchdog)");
            // The hung case keeps its thread; the run goes on and fails at the end.
        }
        else if (task.Exception is { } e)
        {
            result.Failures.Enqueue($"{label}: harness error {e.InnerException?.GetType().Name}: {e.InnerException?.Message}");
        }
        var done = Interlocked.Increment(ref result.Cases);
        var ms = clock.Elapsed.TotalMilliseconds;
        lock (result)
        {
            result.SlowestMs = Math.Max(result.SlowestMs, ms);
            // A long run reports as it goes (SEMANTIC_FUZZ_PROGRESS=FILE), so a run stopped early still says how far it got.
            if (ProgressFile is { } file && (done % 500 == 0 || !result.Failures.IsEmpty && done % 50 == 0))
                File.AppendAllText(file, $"{DateTime.UtcNow:HH:mm:ss} {result.Summary()} (last case {n})\n" + string.Concat(result.Failures.Select(f => "FAILURE " + f + "\n")));
        }
    }

    private static readonly string? ProgressFile = Environment.GetEnvironmentVariable("SEMANTIC_FUZZ_PROGRESS");

    private static void RunCase(SemanticMutator.Seed seed, byte[] bytes, string dir, long n, (ChipProfile Chip, ComputeUnits Units)[] settings, Result result, string label)
    {
        string path;
        if (seed is SemanticMutator.MilSeed)
        {
            path = Path.Combine(dir, $"case{n}.mlmodelc");
            Directory.CreateDirectory(path);
            File.WriteAllBytes(Path.Combine(path, "model.mil"), bytes);
        }
        else
        {
            path = Path.Combine(dir, $"case{n}.mlmodel");
            File.WriteAllBytes(path, bytes);
        }
        try
        {
            void Timed(string name, Action stage)
            {
                var start = Stopwatch.GetTimestamp();
                try { stage(); }
                finally { result.AddStage(name, Stopwatch.GetElapsedTime(start).Ticks); }
            }
            Graph.ModelGraph graph = null!;
            try { Timed("read", () => graph = ModelReader.Read(path)); }
            catch (ModelReadException e)
            {
                if (CheckOneLine(e, path) is { } bad) result.Failures.Enqueue($"{label}: read error {bad}");
                Interlocked.Increment(ref result.ReadRefused);
                return;
            }
            var stage = "dump";
            try
            {
                Timed("dump", () => GraphTextWriter.Write(graph, TextWriter.Null));
                Timed("dump --json", () => GraphJsonWriter.Write(graph, TextWriter.Null));
                var reports = new List<Report>();
                foreach (var (chip, units) in settings)
                {
                    stage = $"analysis on {chip.Name}/{units.ToName()}";
                    Report report = null!;
                    try { Timed("analysis", () => report = ReportBuilder.Analyze(graph, chip, units)); }
                    catch (ModelReadException e)
                    {
                        if (CheckOneLine(e, path) is { } bad) result.Failures.Enqueue($"{label}: analysis error {bad}");
                        Interlocked.Increment(ref result.AnalysisRefused);
                        return;
                    }
                    stage = $"writers on {chip.Name}/{units.ToName()}";
                    Timed("text", () => TextReportRenderer.Write(report, TextWriter.Null));
                    Timed("json", () => JsonReportWriter.Write(report, Stream.Null));
                    Timed("sarif", () => SarifReportWriter.Write(report, Stream.Null));
                    Timed("html", () => HtmlReportWriter.Write(report, Stream.Null));
                    Timed("segments", () => SegmentsTextWriter.Write(report, TextWriter.Null));
                    reports.Add(report);
                }
                stage = "matrix";
                Timed("matrix", () => TextReportRenderer.WriteMatrix(reports, TextWriter.Null));
                Interlocked.Increment(ref result.Completed);
            }
            catch (Exception e)
            {
                result.Failures.Enqueue($"{label}: {stage} threw {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }
        catch (Exception e)
        {
            result.Failures.Enqueue($"{label}: read threw {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
        }
        finally
        {
            try
            {
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
                else File.Delete(path);
            }
            catch (IOException) { }
        }
    }

    /// <summary>Null when the error keeps the contract (one line naming the file), else what is wrong.</summary>
    private static string? CheckOneLine(ModelReadException e, string path)
    {
        if (e.Message.Contains('\n') || e.Message.Contains('\r')) return "spans several lines: " + e.Message;
        if (!e.Message.StartsWith(path, StringComparison.Ordinal)) return "does not start with the model's path: " + e.Message;
        if (e.Message.Length > 4000) return $"is {e.Message.Length} characters long";
        return null;
    }
}
