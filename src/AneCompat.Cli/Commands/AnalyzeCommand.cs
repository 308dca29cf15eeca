using System.CommandLine;
using AneCompat.Cli.Rendering;
using AneCompat.Comparison;
using AneCompat.Containers;
using AneCompat.Graph;
using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Targets;

namespace AneCompat.Cli.Commands;

/// <summary>
/// <c>anecompat MODELPATH [LOGDIR]</c>, as the original ANECompat is called: prints the answer and exits with the status
/// (0 fully, 1 partially, 2 not compatible; 3 unreadable model; 5 bad arguments; 7 other error). LOGDIR receives
/// report.json, report.sarif, report.html and segments.txt.
/// </summary>
public static class AnalyzeCommand
{
    public static readonly IReadOnlyList<string> Formats = new[] { "text", "json", "sarif", "html", "markdown" };

    public static void Configure(RootCommand root)
    {
        var model = new Argument<string>("MODELPATH") { Description = "A .mlmodel file, .mlpackage or .mlmodelc folder — or a folder, app bundle or .zip / .ipa archive of models: one line per model, or one JSON / SARIF / markdown document for all of them.", Arity = ArgumentArity.ZeroOrOne };
        var logDir = new Argument<string>("LOGDIR") { Description = "Folder that receives report.json, report.sarif, report.html and segments.txt.", Arity = ArgumentArity.ZeroOrOne };
        var target = new Option<string>("--target", "-t")
        {
            Description = $"Target chip ({string.Join(", ", ChipProfiles.All.Select(p => p.Name))}) or 'all' for a status matrix that exits with the worst status. Default: {ChipProfiles.DefaultName}.",
            DefaultValueFactory = _ => ChipProfiles.DefaultName,
        };
        var units = new Option<string>("--compute-units")
        {
            Description = $"Core ML compute units the app will use: {string.Join(" | ", ComputeUnitNames.All)}. Default: all.",
            DefaultValueFactory = _ => ComputeUnits.All.ToName(),
        };
        var format = new Option<string>("--format", "-f")
        {
            Description = $"Output format: {string.Join(" | ", Formats)}. Default: text.",
            DefaultValueFactory = _ => "text",
        };
        var outputFile = new Option<string>("--output", "-o") { Description = "Write the answer to this file (atomically) instead of standard output; - is standard output, a FIFO or device is written to as it is, a symbolic link's target is replaced and the link kept." };
        root.Arguments.Add(model);
        root.Arguments.Add(logDir);
        root.Options.Add(target);
        root.Options.Add(units);
        root.Options.Add(format);
        root.Options.Add(outputFile);
        var exitZero = new Option<bool>("--exit-zero")
        {
            Description = "Exit 0 whatever the verdict (0, 1 or 2), like a linter's --exit-zero: report without failing. Read and argument errors keep their codes.",
        };
        root.Options.Add(exitZero);
        var sarifRoot = new Option<string>("--sarif-root")
        {
            Description = "Folder that SARIF file paths are relative to: the repository checkout GitHub code scanning matches them against. Default: the working folder.",
        };
        root.Options.Add(sarifRoot);
        var baseline = new Option<string>("--baseline")
        {
            Description = "Baseline file (written by 'anecompat baseline'): findings it lists do not fail the run, new ones do (exit 4). Implies --fail-on new-finding.",
        };
        root.Options.Add(baseline);
        var failOn = new Option<string>("--fail-on")
        {
            Description = "What fails the run: partial (partially or not compatible: exit 1/2, the default), none (only a model that runs none of its work on the ANE: exit 2), new-finding (findings not in --baseline: exit 4).",
        };
        root.Options.Add(failOn);

        root.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            int Verdict(int status) => parse.GetValue(exitZero) && status is >= 0 and <= 2 or ExitCodes.NewFindings ? ExitCodes.FullyCompatible : status;
            var path = parse.GetValue(model);
            if (string.IsNullOrEmpty(path))
                return Fail(error, "no model path given. Usage: anecompat MODELPATH [LOGDIR]; see anecompat --help");

            var targetName = parse.GetValue(target) ?? ChipProfiles.DefaultName;
            var allTargets = string.Equals(targetName, "all", StringComparison.OrdinalIgnoreCase);
            var chip = allTargets ? ChipProfiles.Default : ChipProfiles.Find(targetName);
            if (chip is null)
                return Fail(error, $"unknown target '{targetName}'; known: {string.Join(", ", ChipProfiles.All.Select(p => p.Name))}, all");
            if (!ComputeUnitNames.TryParse(parse.GetValue(units), out var computeUnits))
                return Fail(error, $"unknown compute units '{parse.GetValue(units)}'; use {string.Join(", ", ComputeUnitNames.All)}");
            var fmt = (parse.GetValue(format) ?? "text").ToLowerInvariant();
            if (!Formats.Contains(fmt))
                return Fail(error, $"unknown format '{fmt}'; use {string.Join(", ", Formats)}");
            if (allTargets && fmt is "sarif" or "markdown")
                return Fail(error, $"--target all is written as text, json or html; choose one target for --format {fmt}");

            var sarifDir = parse.GetValue(sarifRoot);
            if (!string.IsNullOrEmpty(sarifDir) && !Directory.Exists(sarifDir))
                return Fail(error, $"--sarif-root '{sarifDir}' is not a folder");
            var locations = new SarifLocations(sarifDir);
            if (!Gate.TryParse(parse.GetValue(failOn), out var failOnValue))
                return Fail(error, $"unknown --fail-on '{parse.GetValue(failOn)}'; use {string.Join(", ", Gate.Names)}");
            Baseline? known = null;
            var baselineFile = parse.GetValue(baseline);
            if (!string.IsNullOrEmpty(baselineFile))
            {
                try { known = Baseline.Read(baselineFile); }
                catch (AneCompat.Diagnostics.ModelReadException e) { return Fail(error, e.Message); }
            }
            if (failOnValue == FailOn.NewFinding && known is null)
                return Fail(error, "--fail-on new-finding needs --baseline FILE (write one with: anecompat baseline MODEL… -o FILE)");
            if (allTargets && (known is not null || failOnValue != FailOn.Status))
                return Fail(error, "--baseline and --fail-on judge one target; choose one with --target");
            if (known is not null && known.Target.Length > 0 && !string.Equals(known.Target, chip.Name, StringComparison.OrdinalIgnoreCase))
                error.WriteLine($"anecompat: warning: the baseline was written for {known.Target}, this run is for {chip.Name}");
            var gate = new GateSettings(failOnValue, known,
                known is null ? Environment.CurrentDirectory : Path.GetDirectoryName(Path.GetFullPath(baselineFile!))!);
            var file = parse.GetValue(outputFile);
            var dir = parse.GetValue(logDir);
            if (AneCompat.ModelCollection.IsCollection(path))
            {
                if (allTargets || !FolderAnalysis.Formats.Contains(fmt))
                    return Fail(error, $"a folder or archive of models is written as {string.Join(", ", FolderAnalysis.Formats)} for one target; --target all needs a single model");
                try
                {
                    return Verdict(FolderAnalysis.Run(path, chip, computeUnits, dir, fmt, file, output, error, locations, gate));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"anecompat: cannot write output: {e.Message}");
                    return ExitCodes.OtherError;
                }
            }
            return CommandSupport.WithModel(path, error, graph =>
            {
                try
                {
                    var inputs = new[] { graph.SourcePath };
                    if (allTargets) return Verdict(RunMatrix(graph, computeUnits, fmt, file, dir, output, inputs));
                    var report = ReportBuilder.Analyze(graph, chip, computeUnits);
                    var verdict = gate.Evaluate(new[] { report }, 0);
                    var gateLine = gate.Line(verdict);
                    if (fmt == "markdown")
                        CommandOutput.WriteText(file, output, w => MarkdownReportWriter.Write(new[] { report }, Array.Empty<UnreadableModel>(), w,
                            p => FindingKey.ModelKey(p, Environment.CurrentDirectory), gate.NewFindingTest(verdict), gateLine), inputs);
                    else
                        Emit(file, output, fmt, report, inputs, locations);
                    WarnOutsideRoot(locations, error);
                    if (gateLine is not null) error.WriteLine($"anecompat: {gateLine}");
                    if (!string.IsNullOrEmpty(dir)) LogDirWriter.Write(report, dir, inputs);
                    return Verdict(verdict.ExitCode);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"anecompat: cannot write output: {e.Message}");
                    return ExitCodes.OtherError;
                }
            });
        });
    }

    /// <summary>Every chip's status; LOGDIR (when given) receives the full reports for the default target.</summary>
    /// <remarks>JSON and HTML hold the default target's full report plus the chip × status matrix (<see cref="TargetMatrix"/>).</remarks>
    private static int RunMatrix(ModelGraph graph, ComputeUnits units, string format, string? file, string? dir, TextWriter output, string[] inputs)
    {
        var reports = ChipProfiles.All.Select(p => ReportBuilder.Analyze(graph, p, units)).ToList();
        var main = reports.First(r => r.Target.Name == ChipProfiles.DefaultName);
        var matrix = new TargetMatrix(reports);
        switch (format)
        {
            case "json": CommandOutput.WriteBytes(file, output, s => JsonReportWriter.Write(main, matrix, s), inputs); break;
            case "html": CommandOutput.WriteBytes(file, output, s => HtmlReportWriter.Write(main, s, matrix), inputs); break;
            default: CommandOutput.WriteText(file, output, w => TextReportRenderer.WriteMatrix(reports, w), inputs); break;
        }
        if (!string.IsNullOrEmpty(dir)) LogDirWriter.Write(main, dir, inputs);
        return (int)reports.Max(r => r.Status);
    }

    private static void Emit(string? file, TextWriter output, string format, Report report, string[] inputs, SarifLocations locations)
    {
        switch (format)
        {
            case "json": CommandOutput.WriteBytes(file, output, s => JsonReportWriter.Write(report, s), inputs); break;
            case "sarif": CommandOutput.WriteBytes(file, output, s => SarifReportWriter.Write(report, s, locations), inputs); break;
            case "html": CommandOutput.WriteBytes(file, output, s => HtmlReportWriter.Write(report, s), inputs); break;
            default: CommandOutput.WriteText(file, output, w => TextReportRenderer.Write(report, w), inputs); break;
        }
    }

    /// <summary>A model outside the SARIF root cannot be placed by code scanning: say so once, with the fix.</summary>
    internal static void WarnOutsideRoot(SarifLocations locations, TextWriter error)
    {
        foreach (var path in locations.OutsideRoot.Distinct())
            error.WriteLine($"anecompat: warning: {path} is outside the SARIF root {locations.Root}; code scanning cannot place its results (run from the checkout or pass --sarif-root)");
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine($"anecompat: {message}");
        return ExitCodes.InputError;
    }
}
