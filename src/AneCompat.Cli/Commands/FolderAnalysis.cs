using System.Text;
using AneCompat.Cli.Rendering;
using AneCompat.Comparison;
using AneCompat.Diagnostics;
using AneCompat.Output;
using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Rules;
using AneCompat.Targets;

namespace AneCompat.Cli.Commands;

/// <summary>
/// <c>anecompat FOLDER [LOGDIR]</c> for a folder, app bundle or archive (.zip, .ipa, read in place) full of models:
/// one line per model and a summary, or with <c>--format json|sarif|markdown</c> one document covering every model,
/// and the worst exit code (an unreadable model counts as 3, so a CI gate notices it). Models are analysed in
/// parallel across cores, with a progress line on a terminal; the output is in the order the models were found,
/// whatever order they finish in. LOGDIR gets one sub-folder of reports per model, named after the model's path
/// inside FOLDER.
/// </summary>
public static class FolderAnalysis
{
    /// <summary>The formats a folder can be written in: text lines, or one JSON / SARIF / HTML / markdown document for the whole folder.</summary>
    public static readonly IReadOnlyList<string> Formats = new[] { "text", "json", "sarif", "html", "markdown" };

    /// <param name="file">--output: the folder document is written there atomically, never over one of the models.</param>
    public static int Run(string folder, ChipProfile target, ComputeUnits units, string? logDir, string format, string? file, TextWriter output, TextWriter error,
        SarifLocations? locations = null, GateSettings? gate = null)
    {
        ModelCollection collection;
        try
        {
            collection = ModelCollection.Open(folder);
        }
        catch (ModelReadException e)
        {
            error.WriteLine($"anecompat: {e.Message}");
            return ExitCodes.ReadError;
        }
        using (collection)
            return Run(collection, target, units, logDir, format, file, output, error, locations ?? new SarifLocations(), gate ?? GateSettings.Default);
    }

    /// <param name="Report">Kept only when the folder's document needs every report (json, sarif, html, markdown).</param>
    /// <param name="Gated">What the gate and the summary need of a readable model.</param>
    private sealed record Outcome(Report? Report, GatedModel? Gated, UnreadableModel? Unreadable, string Line);

    private static int Run(ModelCollection collection, ChipProfile target, ComputeUnits units, string? logDir, string format, string? file,
        TextWriter output, TextWriter error, SarifLocations locations, GateSettings gate)
    {
        foreach (var (path, problem) in collection.Refused)
            error.WriteLine($"anecompat: warning: {SafeText.Escape(path)}: {SafeText.Escape(problem)}");
        var models = collection.Models;
        if (models.Count == 0 && collection.UnreadableFolders.Count == 0)
        {
            error.WriteLine($"anecompat: {collection.Root}: no Core ML models (.mlmodel, .mlpackage, .mlmodelc) under this {(collection.IsArchive ? "archive" : "folder")}");
            return ExitCodes.ReadError;
        }

        var root = collection.Root;
        // Reports are never written into the models, nor over the archive they came from.
        var inputs = collection.IsArchive ? models.Append(root).ToList() : models.ToList();
        var toFile = !CommandOutput.IsStandardOutput(file);
        var logNames = LogDirWriter.FolderNames(models.Select(m => Path.GetRelativePath(root, m)).ToList());
        var outcomes = new Outcome?[models.Count];
        using var progress = ProgressIndicator.For(error, models.Count);
        // Text lines stream to standard output in the models' order as soon as every earlier model is done; with
        // --output, another format or a live progress line they are gathered and written at the end.
        var streamLines = format == "text" && !toFile && !progress.IsLive;
        var printed = 0;
        var gateLock = new object();
        // Text lines need nothing of a report once its line is made: dropping it keeps a scan of thousands of models
        // (anecompat / included) at a few keys per model instead of every model's ops.
        var keepReports = format != "text";

        void Analyse(int i)
        {
            var path = models[i];
            var relative = SafeText.Escape(Path.GetRelativePath(root, path));
            Outcome outcome;
            // Each model is analysed and rendered under the reader's contract: a model whose values break the rules,
            // the planner or a writer is recorded as its own unreadable entry, and the run goes on to its summary.
            try
            {
                var report = PipelineGuard.Run(path, "analysis", () =>
                {
                    var r = ReportBuilder.Analyze(collection.Read(path), target, units);
                    ProbeWriters(r, format);
                    return r;
                });
                var rules = report.Rules.Where(r => r.Effect.BlocksAne()).Select(r => r.RuleId).Take(4).ToList();
                outcome = new Outcome(keepReports ? report : null, gate.Keep(report), null, $"{(int)report.Status} {report.Status.ToName(),-17} {relative}: {report.Counts.AneOps}/{report.Counts.ComputeOps} compute ops on the ANE"
                    + (rules.Count > 0 ? $"; off the ANE because of {string.Join(", ", rules)}" : "")
                    + (report.Reason is { PlacementOnly: true } ? $"; {report.StatusReason}" : ""));
                if (!string.IsNullOrEmpty(logDir))
                    PipelineGuard.Run(path, "writing LOGDIR", () => LogDirWriter.Write(report, Path.Combine(logDir, logNames[i]), inputs));
            }
            catch (ModelReadException e)
            {
                outcome = new Outcome(null, null, new UnreadableModel(path, e.Message), $"3 {"unreadable",-17} {relative}: {e.Problem}");
            }
            lock (gateLock)
            {
                outcomes[i] = outcome;
                progress.Step(relative);
                if (!streamLines) return;
                while (printed < outcomes.Length && outcomes[printed] is { } done)
                {
                    output.WriteLine(done.Line);
                    printed++;
                }
                output.Flush();
            }
        }
        // One model (a folder holding a single model, the common case) or one core: no worker threads to start.
        if (models.Count <= 1 || Environment.ProcessorCount == 1)
            for (var i = 0; i < models.Count; i++) Analyse(i);
        else
            Parallel.For(0, models.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, Analyse);

        var reports = outcomes.Where(o => o!.Report is not null).Select(o => o!.Report!).ToList();
        var unreadable = outcomes.Where(o => o!.Unreadable is not null).Select(o => o!.Unreadable!).ToList();
        // A folder that could not be listed may hide models: it is reported like an unreadable model (exit 3).
        var folderLines = new List<string>();
        foreach (var f in collection.UnreadableFolders)
        {
            unreadable.Add(new UnreadableModel(f.Path, new ModelReadException(f.Path, f.Problem).Message));
            folderLines.Add($"3 {"unreadable",-17} {SafeText.Escape(Path.GetRelativePath(root, f.Path))}/: {SafeText.Escape(f.Problem)}");
        }
        var result = new FolderReport(root, target, units, reports, unreadable);
        var gated = outcomes.Where(o => o!.Gated is not null).Select(o => o!.Gated!).ToList();
        var verdict = gate.Evaluate(gated, unreadable.Count);
        var gateLine = gate.Line(verdict);
        progress.Dispose();
        string Name(string path) => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
        switch (format)
        {
            case "json": CommandOutput.WriteBytes(file, output, s => JsonReportWriter.Write(result, s), inputs); break;
            case "sarif":
                CommandOutput.WriteBytes(file, output, s => SarifReportWriter.Write(result, s, locations), inputs);
                AnalyzeCommand.WarnOutsideRoot(locations, error);
                break;
            case "html": CommandOutput.WriteBytes(file, output, s => HtmlReportWriter.Write(result, s), inputs); break;
            case "markdown":
                CommandOutput.WriteText(file, output, w => MarkdownReportWriter.Write(reports, unreadable, w, Name, gate.NewFindingTest(verdict), gateLine), inputs);
                break;
            default:
                var lines = new StringBuilder();
                if (!streamLines) foreach (var o in outcomes) lines.AppendLine(o!.Line);
                foreach (var l in folderLines) lines.AppendLine(l);
                int CountWith(CompatibilityStatus status) => gated.Count(g => g.Status == status);
                lines.AppendLine($"{models.Count} model(s) on {target.Name}: {CountWith(CompatibilityStatus.FullyCompatible)} fully compatible, "
                    + $"{CountWith(CompatibilityStatus.Partial)} partially, {CountWith(CompatibilityStatus.NotCompatible)} not compatible, {unreadable.Count} unreadable");
                if (toFile) AtomicFile.WriteAllBytes(file!, new UTF8Encoding(false).GetBytes(lines.ToString()), inputs);
                else { output.Write(lines.ToString()); output.Flush(); }
                break;
        }
        if (gateLine is not null) error.WriteLine($"anecompat: {gateLine}");
        return verdict.ExitCode;
    }

    /// <summary>
    /// Renders the model's report in the folder document's format into nothing, so that a writer failure on this
    /// model's values is caught here, against this model, instead of breaking the document for every model.
    /// </summary>
    private static void ProbeWriters(Report report, string format)
    {
        switch (format)
        {
            case "json": JsonReportWriter.Write(report, Stream.Null); break;
            case "sarif": SarifReportWriter.Write(report, Stream.Null); break;
        }
    }
}
