using AneCompat.Bench;
using BenchmarkDotNet.Running;

// Generator and measuring commands run directly; anything else goes to BenchmarkDotNet (e.g. --filter '*').
return args.FirstOrDefault() switch
{
    "make-sample" => Commands.MakeSample(args[1..]),
    "make-large" => Commands.MakeLarge(args[1..]),
    "make-program" => Commands.MakeProgram(args[1..]),
    "measure" => Commands.Measure(args[1..]),
    "stages" => Stages.Run(args[1..]),
    "make-schema-tables" => Commands.MakeSchemaTables(args[1..]),
    "make-catalog-tables" => Commands.MakeCatalogTables(args[1..]),
    "make-fixable" => FixCommands.MakeFixable(args[1..]),
    "measure-fix" => FixCommands.MeasureFix(args[1..]),
    "make-many-ops" => ManyOps.Make(args[1..]),
    "measure-pipeline" => ManyOps.Measure(args[1..]),
    _ => RunBenchmarks(args),
};

static int RunBenchmarks(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(ReadBenchmarks).Assembly).Run(args);
    return 0;
}
