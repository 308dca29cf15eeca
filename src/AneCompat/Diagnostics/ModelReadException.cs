namespace AneCompat.Diagnostics;

/// <summary>
/// The model could not be read: the file is missing, truncated, corrupt, hostile or over a limit.
/// <see cref="Exception.Message"/> is one line naming the file and what is wrong; the CLI prints it and exits 3.
/// </summary>
public sealed class ModelReadException : Exception
{
    public string FilePath { get; }
    public string Problem { get; }

    public ModelReadException(string filePath, string problem, Exception? inner = null)
        : base($"{filePath}: {OneLine(problem)}", inner)
    {
        FilePath = filePath;
        Problem = OneLine(problem);
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();
}
