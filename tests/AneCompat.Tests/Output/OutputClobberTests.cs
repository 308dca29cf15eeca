using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using AneCompat.Diagnostics;
using AneCompat.Output;
using AneCompat.Reporting;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Output;

/// <summary>
/// Outputs that never clobber (issue 13, item 3), in a scratch folder only: <c>-o</c> onto a FIFO writes into it
/// (the FIFO stays), onto a symbolic link writes the link's target (the link stays), <c>-o -</c> is standard output;
/// LOGDIR names are unique in a folder run; a LOGDIR is written as a set, and a run killed mid-write leaves nothing
/// the next run does not clean.
/// </summary>
public class OutputClobberTests
{
    private static readonly string Sample = Path.Combine(Corpus.RepoRoot, "samples", "tiny-convnet.mlmodel");

    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo(string path, uint mode);

    [Fact]
    public void OutputOntoAFifoWritesIntoItWithoutReplacingIt()
    {
        if (OperatingSystem.IsWindows()) return;
        using var t = new TempDir();
        var fifo = t.File("pipe");
        Assert.Equal(0, mkfifo(fifo, Convert.ToUInt32("600", 8)));
        Assert.Equal(FileKind.Special, FileKinds.Of(fifo));
        // The reader must be there before the writer opens the FIFO.
        var reader = Task.Run(() => File.ReadAllBytes(fifo));
        var r = CliRunner.Run(Sample, "--format", "json", "-o", fifo);
        Assert.Equal(1, r.ExitCode);
        Assert.True(reader.Wait(TimeSpan.FromSeconds(30)));
        using var doc = JsonDocument.Parse(reader.Result);
        Assert.Equal(1, doc.RootElement.GetProperty("status").GetProperty("code").GetInt32());
        Assert.Equal(FileKind.Special, FileKinds.Of(fifo));
        Assert.Equal(new[] { "pipe" }, t.Entries());
    }

    [Fact]
    public void OutputOntoASymbolicLinkWritesTheTargetAndKeepsTheLink()
    {
        using var t = new TempDir();
        Directory.CreateDirectory(t.File("real"));
        var target = t.File("real/out.json");
        File.WriteAllText(target, "old");
        var link = t.File("link.json");
        File.CreateSymbolicLink(link, "real/out.json");
        var r = CliRunner.Run(Sample, "--format", "json", "-o", link);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(FileKind.SymbolicLink, FileKinds.Of(link));
        Assert.Equal("real/out.json", new FileInfo(link).LinkTarget);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(target));
        Assert.Equal(new[] { "out.json" }, Directory.GetFileSystemEntries(t.File("real")).Select(Path.GetFileName));
    }

    [Fact]
    public void OutputDashIsStandardOutput()
    {
        using var t = new TempDir();
        var old = Directory.GetCurrentDirectory();
        var r = CliRunner.Run(Sample, "--format", "json", "-o", "-");
        Assert.Equal(1, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.False(File.Exists(Path.Combine(old, "-")));
    }

    [Fact]
    public void OutputOntoAFolderIsRefusedAndTheFolderKept()
    {
        using var t = new TempDir();
        Directory.CreateDirectory(t.File("dir"));
        File.WriteAllText(t.File("dir/keep.txt"), "x");
        var r = CliRunner.Run(Sample, "--format", "json", "-o", t.File("dir"));
        Assert.Equal(7, r.ExitCode);
        Assert.Contains("is a folder", r.Stderr);
        Assert.True(File.Exists(t.File("dir/keep.txt")));
    }

    [Fact]
    public void LogDirNamesAreUniqueInAFolderRun()
    {
        using var t = new TempDir();
        var models = t.File("models");
        Directory.CreateDirectory(Path.Combine(models, "a"));
        File.Copy(Sample, Path.Combine(models, "a", "b.mlmodel"));
        File.Copy(Sample, Path.Combine(models, "a_b.mlmodel"));
        var logs = t.File("logs");
        var r = CliRunner.Run(models, logs);
        Assert.Equal(1, r.ExitCode);
        var dirs = Directory.GetDirectories(logs).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "a%2Fb.mlmodel", "a_b.mlmodel" }, dirs);
        var paths = dirs.Select(d =>
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(logs, d!, "report.json")));
            return doc.RootElement.GetProperty("model").GetProperty("path").GetString();
        }).ToHashSet();
        Assert.Equal(2, paths.Count);
        Assert.All(dirs, d => Assert.Equal(LogDirWriter.FileNames.OrderBy(n => n), Directory.GetFiles(Path.Combine(logs, d!)).Select(Path.GetFileName).OrderBy(n => n)));
    }

    [Fact]
    public void FolderNamesAreDistinctForPathsThatFlattenAlike()
    {
        var names = LogDirWriter.FolderNames(new[] { "a/b.mlmodel", "a_b.mlmodel", "a%2Fb.mlmodel", "A_b.mlmodel", ".hidden.mlmodel", "x\ny.mlmodel" });
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal("a%2Fb.mlmodel", names[0]);
        Assert.Equal("a%252Fb.mlmodel", names[2]);
        Assert.Equal("A_b.mlmodel~2", names[3]);
        Assert.DoesNotContain(names, n => n.StartsWith('.') || n.Contains('\n'));
    }

    /// <summary>A process id that no longer runs: a finished child's.</summary>
    private static int DeadProcessId()
    {
        using var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        return p.Id;
    }

    [Fact]
    public void TemporariesOfAKilledRunAreCleanedAndTheSetIsWhole()
    {
        using var t = new TempDir();
        var logs = t.File("logs");
        var report = ReportBuilder.Analyze(ModelReader.Read(Sample), AneCompat.Targets.ChipProfiles.Default, AneCompat.Planning.ComputeUnits.All);
        // What a run killed between "old set moved aside" and "new set moved in" leaves: no LOGDIR, the old set and
        // a half-written new set under hidden names carrying the dead writer's process id, plus a half-written -o file.
        var dead = DeadProcessId();
        var aside = t.File($".logs.{dead}-{Guid.NewGuid():N}.tmp");
        var half = t.File($".logs.{dead}-{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(aside);
        foreach (var n in LogDirWriter.FileNames) File.WriteAllText(Path.Combine(aside, n), "old run");
        Directory.CreateDirectory(half);
        File.WriteAllText(Path.Combine(half, "report.json"), "{\"half");
        var liveOther = t.File($".logs.{Environment.ProcessId}-{Guid.NewGuid():N}.tmp"); // a live writer's: kept
        Directory.CreateDirectory(liveOther);
        LogDirWriter.Write(report, logs);
        Assert.Equal(new[] { "logs", Path.GetFileName(liveOther) }.OrderBy(n => n, StringComparer.Ordinal), t.Entries());
        Assert.Equal(LogDirWriter.FileNames.OrderBy(n => n), Directory.GetFiles(logs).Select(Path.GetFileName).OrderBy(n => n));
        Assert.All(Directory.GetFiles(logs), f => Assert.NotEqual("old run", File.ReadAllText(f)));

        var stale = t.File($".out.json.{dead}-{Guid.NewGuid():N}.tmp");
        File.WriteAllText(stale, "partial");
        AtomicFile.WriteAllBytes(t.File("out.json"), "{}"u8);
        Assert.False(File.Exists(stale));
    }

    [Fact]
    public void RunsKilledMidWriteLeaveOneConsistentSetAndTheNextRunNoTemporaries()
    {
        // Real kills of the command line, alternating two models into one LOGDIR: after every kill LOGDIR is either
        // absent or the four files of one model; after a complete run there is no temporary left.
        using var t = new TempDir();
        var big = t.File("big.mlmodel");
        File.WriteAllBytes(big, ManyReluLayers(20_000));
        var logs = t.File("logs");
        var cli = Path.Combine(AppContext.BaseDirectory, "AneCompat.Cli.dll");
        var delays = new[] { 700, 1400, 2100, 2800 };
        for (var i = 0; i < delays.Length; i++)
        {
            var model = i % 2 == 0 ? big : Sample;
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { cli, model, logs, "--exit-zero" }) start.ArgumentList.Add(a);
            using var p = Process.Start(start)!;
            _ = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(delays[i])) p.Kill(entireProcessTree: true);
            p.WaitForExit();
            AssertOneConsistentSet(logs);
        }
        var r = CliRunner.Run(Sample, logs, "--exit-zero");
        Assert.Equal(0, r.ExitCode);
        AssertOneConsistentSet(logs);
        Assert.Equal(new[] { "big.mlmodel", "logs" }, t.Entries());
    }

    private static void AssertOneConsistentSet(string logs)
    {
        if (!Directory.Exists(logs)) return;
        Assert.Equal(LogDirWriter.FileNames.OrderBy(n => n), Directory.GetFileSystemEntries(logs).Select(Path.GetFileName).OrderBy(n => n));
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(logs, "report.json")));
        var model = Path.GetFileName(doc.RootElement.GetProperty("model").GetProperty("path").GetString()!);
        Assert.Contains("model " + Path.Combine(Path.GetDirectoryName(doc.RootElement.GetProperty("model").GetProperty("path").GetString()!)!, model), File.ReadAllText(Path.Combine(logs, "segments.txt")));
        Assert.Contains(model, File.ReadAllText(Path.Combine(logs, "report.sarif")));
        Assert.Contains(model, File.ReadAllText(Path.Combine(logs, "report.html")));
    }

    /// <summary>A NeuralNetwork model x → relu → … → y of <paramref name="n"/> layers, as protobuf bytes.</summary>
    internal static byte[] ManyReluLayers(int n)
    {
        static byte[] Varint(ulong v) { var b = new List<byte>(); while (v >= 0x80) { b.Add((byte)(v | 0x80)); v >>= 7; } b.Add((byte)v); return b.ToArray(); }
        static byte[] Msg(int field, byte[] payload) => [.. Varint((ulong)(field << 3 | 2)), .. Varint((ulong)payload.Length), .. payload];
        static byte[] Str(int field, string s) => Msg(field, System.Text.Encoding.UTF8.GetBytes(s));
        var layers = new MemoryStream();
        for (var i = 0; i < n; i++)
            layers.Write(Msg(1, [.. Str(1, $"l{i}"), .. Str(2, i == 0 ? "x" : $"h{i - 1}"), .. Str(3, i == n - 1 ? "y" : $"h{i}"), .. Msg(130, Msg(10, []))]));
        byte[] array = Msg(5, [.. Varint(8), .. Varint(1), .. Varint(8), .. Varint(8), .. Varint(16), .. Varint(65568)]);
        byte[] description = [.. Msg(1, [.. Str(1, "x"), .. Msg(3, array)]), .. Msg(10, [.. Str(1, "y"), .. Msg(3, array)])];
        return [.. Varint(8), .. Varint(4), .. Msg(2, description), .. Msg(500, layers.ToArray())];
    }
}
