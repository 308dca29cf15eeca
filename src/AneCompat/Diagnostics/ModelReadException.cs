namespace AneCompat.Diagnostics;

/// <summary>
/// The model could not be read: the file is missing, truncated, corrupt, hostile or over a limit.
/// <see cref="Exception.Message"/> is one line naming the file and what is wrong; the CLI prints it and exits 3.
/// Stages after reading (rules, planner, writers) report a failure on a model the same way (<see cref="PipelineGuard"/>).
/// </summary>
public sealed class ModelReadException : Exception
{
    public string FilePath { get; }
    public string Problem { get; }

    public ModelReadException(string filePath, string problem, Exception? inner = null)
        : base($"{SafeText.Escape(filePath)}: {OneLine(problem)}", inner)
    {
        FilePath = filePath;
        Problem = OneLine(problem);
    }

    // Control characters from file or op names are escaped here once, so no error line can be split or forged.
    private static string OneLine(string s) => SafeText.Escape(s.ReplaceLineEndings(" ").Trim());
}
