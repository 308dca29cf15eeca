using AneCompat.Diagnostics;
using AneCompat.Graph;

namespace AneCompat.Cli.Commands;

/// <summary>Reads a model for a command and turns read and analysis errors into one line and exit code 3.</summary>
public static class CommandSupport
{
    public static int WithModel(string path, TextWriter error, Func<ModelGraph, int> action)
    {
        ModelGraph graph;
        try
        {
            graph = ModelReader.Read(path);
        }
        catch (ModelReadException e)
        {
            error.WriteLine($"anecompat: {e.Message}");
            return ExitCodes.ReadError;
        }
        foreach (var w in graph.Warnings)
            error.WriteLine($"anecompat: warning: {SafeText.Escape(w.Message)}");
        // Everything done with the graph (rules, planner, writers) is under the reader's contract: a failure the
        // model's values cause is one line naming the file and exit 3.
        try
        {
            return PipelineGuard.Run(graph.SourcePath, "analysis", () => action(graph));
        }
        catch (ModelReadException e)
        {
            error.WriteLine($"anecompat: {e.Message}");
            return ExitCodes.ReadError;
        }
    }
}
