using System.CommandLine;
using AneCompat.Cli.Rendering;
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
    public static readonly IReadOnlyList<string> Formats = new[] { "text", "json", "sarif", "html" };

    public static void Configure(RootCommand root)
    {
        var model = new Argument<string>("MODELPATH") { Description = "A .mlmodel file, .mlpackage or .mlmodelc folder — or a folder / app bundle of models: one line per model, or one JSON / SARIF document for all of them.", Arity = ArgumentArity.ZeroOrOne };
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

        root.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            int Verdict(int status) => parse.GetValue(exitZero) && status is >= 0 and <= 2 ? ExitCodes.FullyCompatible : status;
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
            if (allTargets && fmt == "sarif")
                return Fail(error, "--target all is written as text, json or html; choose one target for --format sarif");

            var file = parse.GetValue(outputFile);
            var dir = parse.GetValue(logDir);
            if (Directory.Exists(path) && !ModelLocator.IsModelFolder(path))
            {
                if (allTargets || !FolderAnalysis.Formats.Contains(fmt))
                    return Fail(error, $"a folder of models is written as {string.Join(", ", FolderAnalysis.Formats)} for one target; --target all needs a single model");
                try
                {
                    return Verdict(FolderAnalysis.Run(path, chip, computeUnits, dir, fmt, file, output, error));
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
                    Emit(file, output, fmt, report, inputs);
                    if (!string.IsNullOrEmpty(dir)) LogDirWriter.Write(report, dir, inputs);
                    return Verdict((int)report.Status);
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

    private static void Emit(string? file, TextWriter output, string format, Report report, string[] inputs)
    {
        switch (format)
        {
            case "json": CommandOutput.WriteBytes(file, output, s => JsonReportWriter.Write(report, s), inputs); break;
            case "sarif": CommandOutput.WriteBytes(file, output, s => SarifReportWriter.Write(report, s), inputs); break;
            case "html": CommandOutput.WriteBytes(file, output, s => HtmlReportWriter.Write(report, s), inputs); break;
            default: CommandOutput.WriteText(file, output, w => TextReportRenderer.Write(report, w), inputs); break;
        }
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine($"anecompat: {message}");
        return ExitCodes.InputError;
    }
}
