using System.CommandLine;
using AneCompat.Reporting;

namespace AneCompat.Cli.Commands;

/// <summary><c>anecompat dump PATH [--json]</c>: the decoded graph, one line per op, or as JSON.</summary>
public static class DumpCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("PATH") { Description = "A .mlmodel file, .mlpackage or .mlmodelc folder." };
        var json = new Option<bool>("--json") { Description = "Print the graph as JSON." };
        var cmd = new Command("dump", "Print the decoded graph: one line per op (index, kind, source type, output shape and dtype).") { path, json };
        cmd.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            return CommandSupport.WithModel(parse.GetValue(path)!, parse.InvocationConfiguration.Error, graph =>
            {
                if (parse.GetValue(json)) GraphJsonWriter.Write(graph, output);
                else GraphTextWriter.Write(graph, output);
                return ExitCodes.FullyCompatible;
            });
        });
        return cmd;
    }
}
