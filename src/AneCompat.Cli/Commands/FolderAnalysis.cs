using AneCompat.Containers;
using System.Text;
using AneCompat.Diagnostics;
using AneCompat.Output;
using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Rules;
using AneCompat.Targets;

namespace AneCompat.Cli.Commands;

/// <summary>
/// <c>anecompat FOLDER [LOGDIR]</c> for a folder or app bundle full of models: one line per model and a summary, or
/// with <c>--format json|sarif</c> one document covering every model, and the worst exit code (an unreadable model
/// counts as 3, so a CI gate notices it). LOGDIR gets one sub-folder of reports per model, named after the model's
/// path inside FOLDER.
/// </summary>
public static class FolderAnalysis
{
    /// <summary>The formats a folder can be written in: text lines, or one JSON / SARIF document for the whole folder.</summary>
    public static readonly IReadOnlyList<string> Formats = new[] { "text", "json", "sarif", "html" };

    /// <param name="file">--output: the folder document is written there atomically, never over one of the models.</param>
    public static int Run(string folder, ChipProfile target, ComputeUnits units, string? logDir, string format, string? file, TextWriter output, TextWriter error)
    {
        IReadOnlyList<string> models;
        IReadOnlyList<ModelLocator.UnreadableFolder> unreadableFolders;
        try
        {
            var scan = ModelLocator.Scan(folder);
            models = scan.Models;
            unreadableFolders = scan.UnreadableFolders;
        }
        catch (ModelReadException e)
        {
            error.WriteLine($"anecompat: {e.Message}");
            return ExitCodes.ReadError;
        }
        if (models.Count == 0 && unreadableFolders.Count == 0)
        {
            error.WriteLine($"anecompat: {Path.GetFullPath(folder)}: no Core ML models (.mlmodel, .mlpackage, .mlmodelc) under this folder");
            return ExitCodes.ReadError;
        }

        var root = Path.GetFullPath(folder);
        // Text lines stream to standard output as models are read; for --output they are gathered and written at once.
        var toFile = !CommandOutput.IsStandardOutput(file);
        var lines = format != "text" ? TextWriter.Null : toFile ? new StringWriter() : output;
        var reports = new List<Report>();
        var unreadable = new List<UnreadableModel>();
        var logNames = LogDirWriter.FolderNames(models.Select(m => Path.GetRelativePath(root, m)).ToList());
        for (var i = 0; i < models.Count; i++)
        {
            var path = models[i];
            var relative = SafeText.Escape(Path.GetRelativePath(root, path));
            // Each model is analysed and rendered under the reader's contract: a model whose values break the rules,
            // the planner or a writer is recorded as its own unreadable entry, and the run goes on to its summary.
            try
            {
                var report = PipelineGuard.Run(path, "analysis", () =>
                {
                    var r = ReportBuilder.Analyze(ModelReader.Read(path), target, units);
                    ProbeWriters(r, format);
                    return r;
                });
                reports.Add(report);
                var rules = report.Rules.Where(r => r.Effect.BlocksAne()).Select(r => r.RuleId).Take(4).ToList();
                lines.WriteLine($"{(int)report.Status} {report.Status.ToName(),-17} {relative}: {report.Counts.AneOps}/{report.Counts.ComputeOps} compute ops on the ANE"
                    + (rules.Count > 0 ? $"; off the ANE because of {string.Join(", ", rules)}" : "")
                    + (report.Reason is { PlacementOnly: true } ? $"; {report.StatusReason}" : ""));
                if (!string.IsNullOrEmpty(logDir))
                    PipelineGuard.Run(path, "writing LOGDIR", () => LogDirWriter.Write(report, Path.Combine(logDir, logNames[i]), models));
            }
            catch (ModelReadException e)
            {
                unreadable.Add(new UnreadableModel(path, e.Message));
                lines.WriteLine($"3 {"unreadable",-17} {relative}: {e.Problem}");
            }
        }
        // A folder that could not be listed may hide models: it is reported like an unreadable model (exit 3).
        foreach (var f in unreadableFolders)
        {
            unreadable.Add(new UnreadableModel(f.Path, new ModelReadException(f.Path, f.Problem).Message));
            lines.WriteLine($"3 {"unreadable",-17} {SafeText.Escape(Path.GetRelativePath(root, f.Path))}/: {SafeText.Escape(f.Problem)}");
        }
        var result = new FolderReport(root, target, units, reports, unreadable);
        switch (format)
        {
            case "json": CommandOutput.WriteBytes(file, output, s => JsonReportWriter.Write(result, s), models); break;
            case "sarif": CommandOutput.WriteBytes(file, output, s => SarifReportWriter.Write(result, s), models); break;
            case "html": CommandOutput.WriteBytes(file, output, s => HtmlReportWriter.Write(result, s), models); break;
            default:
                lines.WriteLine($"{models.Count} model(s) on {target.Name}: {result.CountWith(CompatibilityStatus.FullyCompatible)} fully compatible, "
                    + $"{result.CountWith(CompatibilityStatus.Partial)} partially, {result.CountWith(CompatibilityStatus.NotCompatible)} not compatible, {unreadable.Count} unreadable");
                if (toFile) AtomicFile.WriteAllBytes(file!, new UTF8Encoding(false).GetBytes(lines.ToString()!), models);
                break;
        }
        return result.WorstExitCode;
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
