using AneCompat.Diagnostics;
using AneCompat.Graph;

namespace AneCompat.Cli.Commands;

/// <summary>Reads a model for a command and turns read errors into one line and exit code 3.</summary>
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
            error.WriteLine($"anecompat: warning: {w.Message}");
        return action(graph);
    }
}
