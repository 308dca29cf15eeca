using AneCompat.Containers;
using AneCompat.Diagnostics;
using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Targets;
using AneCompat.Writing;

namespace AneCompat.Surgery;

/// <summary>What a <c>fix</c> run did: the plan, the analysis of the input and (when written) of the output.</summary>
public sealed record FixOutcome(FixPlan Plan, Report Before, Report? After, string? WrittenTo);

/// <summary>
/// <c>fix</c> end to end: refuse what must not be rewritten, plan and prove the rewrites, write the new model
/// atomically to a path that is not the input, re-read it with the decoders and analyse both.
/// </summary>
public static class FixRunner
{
    public static FixOutcome Run(string input, string? output, FixOptions options, bool dryRun, ChipProfile? target = null, ComputeUnits units = ComputeUnits.All)
    {
        target ??= ChipProfiles.Default;
        var source = ModelLocator.Locate(input);
        if (source.Container == Graph.ContainerKind.MlModelC)
            throw new FixRefusedException($"{source.Path}: compiled .mlmodelc models cannot be rewritten (fix the .mlmodel or .mlpackage it was compiled from)");
        if (!dryRun)
        {
            if (string.IsNullOrWhiteSpace(output)) throw new FixRefusedException("give the output path with -o OUT (fix never rewrites a model in place)");
            RefuseOverInput(source.Path, output);
            if (source.Container == Graph.ContainerKind.MlPackage != output.TrimEnd('/', '\\').EndsWith(".mlpackage", StringComparison.OrdinalIgnoreCase))
                throw new FixRefusedException(source.Container == Graph.ContainerKind.MlPackage
                    ? $"{output}: the input is an .mlpackage; name the output *.mlpackage"
                    : $"{output}: the input is an .mlmodel file; name the output *.mlmodel, not a package");
        }
        var graph = ModelReader.Read(source.Path);
        var before = ReportBuilder.Analyze(graph, target, units);
        using var model = RewritableModel.Open(source.Path);
        var plan = FixPlanner.Plan(model, graph, options);
        if (dryRun || !plan.Applied.Any()) return new FixOutcome(plan, before, null, null);
        FixPlanner.Apply(model, plan);
        model.Write(output!, [source.Path]);
        var after = ReportBuilder.Analyze(ModelReader.Read(output!), target, units);
        return new FixOutcome(plan, before, after, Path.GetFullPath(output!));
    }

    /// <summary>Refuses an output that is the input, resolves to it, or lies inside it (a package).</summary>
    public static void RefuseOverInput(string input, string output)
    {
        var inFull = Path.GetFullPath(input).TrimEnd(Path.DirectorySeparatorChar);
        var outFull = Path.GetFullPath(output).TrimEnd(Path.DirectorySeparatorChar);
        var inReal = PathConfinement.RealPath(inFull);
        var outReal = PathConfinement.RealPath(outFull);
        var cmp = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        if (string.Equals(inFull, outFull, cmp) || string.Equals(inReal, outReal, cmp))
            throw new FixRefusedException($"{output}: is the input; fix never writes over its input — choose another output path");
        if (outReal.StartsWith(inReal + Path.DirectorySeparatorChar, cmp) || outFull.StartsWith(inFull + Path.DirectorySeparatorChar, cmp))
            throw new FixRefusedException($"{output}: lies inside the input {input}; choose an output path outside it");
        if (inReal.StartsWith(outReal + Path.DirectorySeparatorChar, cmp))
            throw new FixRefusedException($"{output}: contains the input {input}; replacing it would destroy the input");
    }
}
