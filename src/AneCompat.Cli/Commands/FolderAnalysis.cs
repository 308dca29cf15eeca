using AneCompat.Containers;
using AneCompat.Diagnostics;
using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Rules;
using AneCompat.Targets;

namespace AneCompat.Cli.Commands;

/// <summary>
/// <c>anecompat FOLDER [LOGDIR]</c> for a folder or app bundle full of models: one line per model, a summary, and the
/// worst exit code (an unreadable model counts as 3, so a CI gate notices it). LOGDIR gets one sub-folder of reports per
/// model, named after the model's path inside FOLDER.
/// </summary>
public static class FolderAnalysis
{
    public static int Run(string folder, ChipProfile target, ComputeUnits units, string? logDir, TextWriter output, TextWriter error)
    {
        IReadOnlyList<string> models;
        try
        {
            models = ModelLocator.FindModels(folder);
        }
        catch (ModelReadException e)
        {
            error.WriteLine($"anecompat: {e.Message}");
            return ExitCodes.ReadError;
        }
        if (models.Count == 0)
        {
            error.WriteLine($"anecompat: {Path.GetFullPath(folder)}: no Core ML models (.mlmodel, .mlpackage, .mlmodelc) under this folder");
            return ExitCodes.ReadError;
        }

        var root = Path.GetFullPath(folder);
        var worst = 0;
        var counts = new int[4];
        foreach (var path in models)
        {
            var relative = Path.GetRelativePath(root, path);
            int code;
            try
            {
                var graph = ModelReader.Read(path);
                var report = ReportBuilder.Analyze(graph, target, units);
                code = (int)report.Status;
                var rules = report.Rules.Where(r => r.Effect.BlocksAne()).Select(r => r.RuleId).Take(4).ToList();
                output.WriteLine($"{code} {report.Status.ToName(),-17} {relative}: {report.Counts.AneOps}/{report.Counts.ComputeOps} compute ops on the ANE"
                    + (rules.Count > 0 ? $"; off the ANE because of {string.Join(", ", rules)}" : ""));
                if (!string.IsNullOrEmpty(logDir))
                    LogDirWriter.Write(report, Path.Combine(logDir, SafeFolderName(relative)), models);
            }
            catch (ModelReadException e)
            {
                code = ExitCodes.ReadError;
                output.WriteLine($"3 {"unreadable",-17} {relative}: {e.Problem}");
            }
            counts[Math.Min(code, 3)]++;
            worst = Math.Max(worst, code);
        }
        output.WriteLine($"{models.Count} model(s) on {target.Name}: {counts[0]} fully compatible, {counts[1]} partially, {counts[2]} not compatible, {counts[3]} unreadable");
        return worst;
    }

    /// <summary>A folder name for one model's reports: its relative path with separators flattened.</summary>
    private static string SafeFolderName(string relative) =>
        string.Concat(relative.Select(c => c is '/' or '\\' || Path.GetInvalidFileNameChars().Contains(c) ? '_' : c));
}
