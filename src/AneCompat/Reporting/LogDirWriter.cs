using System.Globalization;
using System.Text;
using AneCompat.Diagnostics;
using AneCompat.Output;

namespace AneCompat.Reporting;

/// <summary>
/// LOGDIR: report.json, report.sarif, report.html and segments.txt, written as one set. The four files are written
/// into a fresh hidden folder beside LOGDIR, which is then renamed into place, so LOGDIR is at every moment either
/// the complete old set or the complete new one — never files from two runs. A run killed mid-write leaves only
/// that hidden folder, which the next run writing the same LOGDIR deletes.
/// </summary>
public static class LogDirWriter
{
    public static readonly IReadOnlyList<string> FileNames = new[] { "report.json", "report.sarif", "report.html", "segments.txt" };

    /// <param name="protectedPaths">The model the report was made from: never written over (e.g. a LOGDIR inside an .mlpackage).</param>
    public static void Write(Report report, string logDir, IEnumerable<string>? protectedPaths = null)
    {
        var inputs = protectedPaths?.ToArray();
        var target = Path.GetFullPath(logDir).TrimEnd(Path.DirectorySeparatorChar);
        if (FileKinds.Of(target) == FileKind.SymbolicLink) target = PathConfinement.RealPath(target);
        if (Directory.Exists(target) && HoldsOtherFiles(target))
        {
            // A folder the user also keeps other things in is never replaced as a whole: each file is replaced
            // atomically on its own (a kill between two renames can leave files from two runs here).
            foreach (var name in FileNames)
                AtomicFile.Write(Path.Combine(target, name), s => WriteFile(report, name, s), inputs);
            return;
        }
        AtomicFile.WriteDirectory(target, temp =>
        {
            foreach (var name in FileNames)
            {
                using var stream = new FileStream(Path.Combine(temp, name), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
                WriteFile(report, name, stream);
                stream.Flush(flushToDisk: true);
            }
        }, replaceExisting: true, inputs);
    }

    private static void WriteFile(Report report, string name, Stream s)
    {
        switch (name)
        {
            case "report.json": JsonReportWriter.Write(report, s); break;
            case "report.sarif": SarifReportWriter.Write(report, s); break;
            case "report.html": HtmlReportWriter.Write(report, s); break;
            default:
                using (var w = new StreamWriter(s, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
                    SegmentsTextWriter.Write(report, w);
                break;
        }
    }

    /// <summary>True when the folder holds anything but the four reports and temporaries of earlier versions.</summary>
    private static bool HoldsOtherFiles(string dir) =>
        Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Any(n =>
            !FileNames.Contains(n!, StringComparer.Ordinal) && !FileNames.Any(f => n!.StartsWith($".{f}.", StringComparison.Ordinal) && n.EndsWith(".tmp", StringComparison.Ordinal)));

    /// <summary>
    /// One LOGDIR sub-folder name per model of a folder run, from its path inside the folder: separators, '%' and
    /// characters a file name cannot hold are percent-encoded, so distinct paths give distinct names
    /// (<c>a/b.mlmodel</c> → <c>a%2Fb.mlmodel</c>, <c>a_b.mlmodel</c> stays). Names equal but for case (which a
    /// case-insensitive file system would merge) get <c>~2</c>, <c>~3</c> … in the order given.
    /// </summary>
    public static IReadOnlyList<string> FolderNames(IReadOnlyList<string> relativePaths)
    {
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var names = new List<string>(relativePaths.Count);
        foreach (var relative in relativePaths)
        {
            var name = Encode(relative);
            if (!used.Add(name))
            {
                var k = 2;
                while (!used.Add($"{name}~{k}")) k++;
                name = $"{name}~{k}";
            }
            names.Add(name);
        }
        return names;
    }

    private static readonly char[] Invalid = Path.GetInvalidFileNameChars();

    private static string Encode(string relative)
    {
        var sb = new StringBuilder(relative.Length);
        foreach (var c in relative)
        {
            if (c is '/' or '\\' or '%' || c < 0x20 || c == 0x7f || Invalid.Contains(c))
                sb.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        var name = sb.ToString();
        // "." and ".." are not folder names one can create; a leading dot would hide the reports.
        return name is "." or ".." || name.StartsWith('.') ? "%2E" + name[1..] : name;
    }
}
