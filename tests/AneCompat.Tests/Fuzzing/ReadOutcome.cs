using AneCompat.Diagnostics;

namespace AneCompat.Tests.Fuzzing;

public enum OutcomeKind
{
    /// <summary>A graph came back.</summary>
    Graph,
    /// <summary>A one-line <see cref="ModelReadException"/> naming a path.</summary>
    ReadError,
    /// <summary>Anything else: another exception type, or an error message that is not one line naming a path.</summary>
    Failure,
}

/// <summary>The contract every hostile input is held to: <c>ModelReader.Read</c> returns a graph or throws one clean error.</summary>
public static class ReadOutcome
{
    public sealed record Result(OutcomeKind Kind, string Detail);

    public static Result Classify(string modelPath)
    {
        try
        {
            var graph = ModelReader.Read(modelPath);
            var ops = graph.AllOps().Count();
            return new Result(OutcomeKind.Graph, $"{ops} ops");
        }
        catch (ModelReadException e)
        {
            var problem = CheckMessage(e);
            return problem is null ? new Result(OutcomeKind.ReadError, e.Message) : new Result(OutcomeKind.Failure, problem);
        }
        catch (Exception e)
        {
            return new Result(OutcomeKind.Failure, $"{e.GetType().FullName}: {e.Message.ReplaceLineEndings(" ")} at {FirstFrame(e)}");
        }
    }

    /// <summary>Null when the error is one line that starts with an absolute path; otherwise what is wrong with it.</summary>
    public static string? CheckMessage(ModelReadException e)
    {
        if (e.Message.Contains('\n') || e.Message.Contains('\r')) return $"error message spans several lines: {e.Message.ReplaceLineEndings(" | ")}";
        if (!Path.IsPathRooted(e.FilePath)) return $"error names no absolute path: {e.Message}";
        if (!e.Message.StartsWith(e.FilePath, StringComparison.Ordinal)) return $"error does not start with its path: {e.Message}";
        if (e.Problem.Length == 0) return $"error says nothing about the problem: {e.Message}";
        return null;
    }

    private static string FirstFrame(Exception e)
    {
        var trace = e.StackTrace ?? "";
        var line = trace.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "(no stack)";
        return line;
    }
}
