using System.Collections.Concurrent;
using System.Diagnostics;

namespace AneCompat.Tests.Fuzzing;

/// <summary>What a fuzz run saw.</summary>
public sealed class FuzzReport
{
    public long Cases;
    public readonly ConcurrentDictionary<OutcomeKind, long> ByOutcome = new();
    public readonly ConcurrentDictionary<FuzzFormat, long> ByFormat = new();
    public readonly ConcurrentQueue<string> Failures = new();
    public long MaxCaseAllocatedBytes;
    public string MaxAllocationCase = "";
    public double MaxCaseMilliseconds;
    public string SlowestCase = "";
    public long PeakWorkingSetBytes;
    public TimeSpan Elapsed;
    public int Workers;

    public string Summary() =>
        $"{Cases} cases on {Workers} workers in {Elapsed.TotalSeconds:F1} s; outcomes: {string.Join(", ", ByOutcome.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}"))}; " +
        $"formats: {string.Join(", ", ByFormat.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}"))}; " +
        $"slowest case {MaxCaseMilliseconds:F0} ms ({SlowestCase}); most allocated by one case {MaxCaseAllocatedBytes / (1024.0 * 1024):F1} MiB ({MaxAllocationCase}); " +
        $"peak working set {PeakWorkingSetBytes / (1024.0 * 1024):F0} MiB";
}

/// <summary>
/// Runs fuzz cases in-process on one thread per core. Each worker has its own copy of every seed model in a temporary
/// folder; a case overwrites one file of one copy with the mutant and reads the model (the file is restored before
/// another file of that copy is mutated). A watchdog on the calling thread fails the run when a case runs past its
/// time limit (naming the case) or the process grows past its memory bound; each case's allocations are measured on
/// its own thread.
/// </summary>
public sealed class FuzzRunner
{
    public required ulong RunSeed { get; init; }
    public TimeSpan CaseTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public long MaxCaseAllocatedBytes { get; init; } = 512L * 1024 * 1024;
    public long MaxWorkingSetBytes { get; init; } = 2L * 1024 * 1024 * 1024;
    public int Workers { get; init; } = Math.Max(2, Environment.ProcessorCount);
    /// <summary>Failing mutants are copied here (case-N/…) so they can be studied and added to Regressions/.</summary>
    public string FailureDir { get; init; } = Path.Combine(Path.GetTempPath(), "anecompat-fuzz-failures");
    private const int MaxFailuresKept = 25;

    private sealed class WorkerState
    {
        public long Case = -1;
        public long StartedTicks;
        public string CurrentModel = "";
        public string Description = "";
    }

    public FuzzReport Run(long firstCase, long count)
    {
        var targets = FuzzCorpus.Targets;
        var report = new FuzzReport { Workers = Workers };
        var root = Directory.CreateTempSubdirectory("anecompat-fuzz-").FullName;
        var states = Enumerable.Range(0, Workers).Select(_ => new WorkerState()).ToArray();
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        try
        {
            var threads = new Thread[Workers];
            for (var w = 0; w < Workers; w++)
            {
                var worker = w;
                threads[w] = new Thread(() => WorkerLoop(worker, states[worker], root, firstCase, count, targets, report, stop.Token))
                {
                    IsBackground = true, // a hung case must not keep the test process alive
                    Name = $"fuzz-worker-{w}",
                };
                threads[w].Start();
            }

            var hung = new HashSet<int>();
            while (true)
            {
                var running = Enumerable.Range(0, Workers).Where(w => !hung.Contains(w) && threads[w].IsAlive).ToList();
                if (running.Count == 0) break;
                report.PeakWorkingSetBytes = Math.Max(report.PeakWorkingSetBytes, Environment.WorkingSet);
                if (report.PeakWorkingSetBytes > MaxWorkingSetBytes && !stop.IsCancellationRequested)
                {
                    var inFlight = string.Join(" | ", states.Where(s => s.Case >= 0).Select(s => s.Description));
                    report.Failures.Enqueue($"working set {report.PeakWorkingSetBytes / (1024 * 1024)} MiB over the {MaxWorkingSetBytes / (1024 * 1024)} MiB bound while running: {inFlight}");
                    stop.Cancel();
                }
                foreach (var w in running)
                {
                    var s = states[w];
                    var started = Volatile.Read(ref s.StartedTicks);
                    if (started != 0 && Stopwatch.GetElapsedTime(started) > CaseTimeout)
                    {
                        var saved = Save(s.Case, s.CurrentModel);
                        report.Failures.Enqueue($"TIMEOUT over {CaseTimeout.TotalSeconds:F0} s: {s.Description} (saved to {saved})");
                        hung.Add(w);
                        stop.Cancel();
                    }
                }
                threads.Where((t, w) => !hung.Contains(w)).FirstOrDefault(t => t.IsAlive)?.Join(50);
            }
            if (hung.Count > 0) root = ""; // a hung worker still uses its copies; leave them
        }
        finally
        {
            report.Elapsed = clock.Elapsed;
            report.PeakWorkingSetBytes = Math.Max(report.PeakWorkingSetBytes, Process.GetCurrentProcess().PeakWorkingSet64);
            if (root.Length > 0)
            {
                try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
        return report;
    }

    private void WorkerLoop(int worker, WorkerState state, string root, long firstCase, long count, IReadOnlyList<FuzzTarget> targets, FuzzReport report, CancellationToken stop)
    {
        var copies = new Dictionary<int, string>();
        string CopyOf(FuzzSeed seed)
        {
            if (copies.TryGetValue(seed.Index, out var p)) return p;
            var dir = Path.Combine(root, $"w{worker}", $"s{seed.Index}");
            p = Path.Combine(dir, seed.Name);
            if (seed.IsFolder) CopyFolder(seed.ModelPath, p);
            else
            {
                Directory.CreateDirectory(dir);
                File.Copy(seed.ModelPath, p);
            }
            return copies[seed.Index] = p;
        }

        // The one file of each seed copy that holds a mutant, restored only when another file of that copy is
        // mutated next (the mutant overwrites it otherwise): one write per case instead of two.
        var dirty = new Dictionary<int, FuzzTarget>();
        for (var n = firstCase + worker; n < firstCase + count; n += Workers)
        {
            if (stop.IsCancellationRequested) return;
            var mutant = Mutator.Make(n, RunSeed, targets);
            var model = CopyOf(mutant.Target.Seed);
            if (dirty.TryGetValue(mutant.Target.Seed.Index, out var previous) && previous != mutant.Target)
                File.WriteAllBytes(FileOf(model, previous), previous.Original);
            var file = FileOf(model, mutant.Target);
            File.WriteAllBytes(file, mutant.Bytes);
            dirty[mutant.Target.Seed.Index] = mutant.Target;

            state.Case = n;
            state.CurrentModel = model;
            state.Description = mutant.Description;
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            Volatile.Write(ref state.StartedTicks, Stopwatch.GetTimestamp());
            var outcome = ReadOutcome.Classify(model);
            var ms = Stopwatch.GetElapsedTime(Volatile.Read(ref state.StartedTicks)).TotalMilliseconds;
            Volatile.Write(ref state.StartedTicks, 0);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

            Interlocked.Increment(ref report.Cases);
            report.ByOutcome.AddOrUpdate(outcome.Kind, 1, (_, v) => v + 1);
            report.ByFormat.AddOrUpdate(mutant.Target.Format, 1, (_, v) => v + 1);
            lock (report)
            {
                if (allocated > report.MaxCaseAllocatedBytes) { report.MaxCaseAllocatedBytes = allocated; report.MaxAllocationCase = mutant.Description; }
                if (ms > report.MaxCaseMilliseconds) { report.MaxCaseMilliseconds = ms; report.SlowestCase = mutant.Description; }
            }
            var failure = outcome.Kind == OutcomeKind.Failure ? outcome.Detail
                : allocated > MaxCaseAllocatedBytes ? $"allocated {allocated / (1024 * 1024)} MiB, over the {MaxCaseAllocatedBytes / (1024 * 1024)} MiB bound"
                : null;
            if (failure is not null && report.Failures.Count < MaxFailuresKept)
                report.Failures.Enqueue($"{mutant.Description}: {failure} (saved to {Save(n, model)})");

            state.Case = -1;
        }
    }

    private static string FileOf(string model, FuzzTarget target) =>
        target.RelativePath.Length == 0 ? model : Path.Combine(model, target.RelativePath);

    private string Save(long caseNumber, string model)
    {
        var dest = Path.Combine(FailureDir, $"case-{caseNumber}", Path.GetFileName(model));
        try
        {
            if (Directory.Exists(dest)) Directory.Delete(dest, recursive: true);
            if (Directory.Exists(model)) CopyFolder(model, dest);
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
                File.Copy(model, dest, overwrite: true);
            }
            return dest;
        }
        catch (IOException e) { return $"(not saved: {e.Message})"; }
    }

    public static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    /// <summary>Writes the mutant of <paramref name="caseNumber"/> as a complete model under <paramref name="dir"/>.</summary>
    public static (string ModelPath, FuzzCase Case) Materialize(long caseNumber, ulong runSeed, string dir)
    {
        var mutant = Mutator.Make(caseNumber, runSeed, FuzzCorpus.Targets);
        var seed = mutant.Target.Seed;
        var model = Path.Combine(dir, $"case-{caseNumber}", seed.Name);
        if (seed.IsFolder) CopyFolder(seed.ModelPath, model);
        else Directory.CreateDirectory(Path.GetDirectoryName(model)!);
        File.WriteAllBytes(mutant.Target.RelativePath.Length == 0 ? model : Path.Combine(model, mutant.Target.RelativePath), mutant.Bytes);
        return (model, mutant);
    }
}
