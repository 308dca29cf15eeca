namespace AneCompat.Registry;

/// <summary>
/// One of the tab-separated tables under Rules/Data (a header line naming the columns, then a row a line), compiled
/// into the assembly as string literals (CompiledTables.g.cs, written by <c>bench make-catalog-tables</c> and checked
/// against the .tsv files by CompiledCatalogTests). The .tsv files stay the owners of the facts; compiling them
/// spares every process start the reading and splitting of ~80 KB of text, and NativeAOT keeps the literals in the
/// binary instead of allocating them.
/// </summary>
public sealed class CompiledTable
{
    private readonly Dictionary<string, int> _columns;
    private readonly string[][] _rows;

    public CompiledTable(string[] header, string[][] rows)
    {
        _columns = new Dictionary<string, int>(header.Length, StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++) _columns.TryAdd(header[i], i);
        Header = header;
        _rows = rows;
    }

    public IReadOnlyList<string> Header { get; }

    public IEnumerable<Row> Rows
    {
        get
        {
            foreach (var cells in _rows) yield return new Row(this, cells);
        }
    }

    /// <summary>A row of the table; <c>row["column"]</c> is its cell ("" when the row is short).</summary>
    public readonly struct Row(CompiledTable table, string[] cells)
    {
        public IReadOnlyList<string> Cells => cells;

        public string this[string column] =>
            table._columns.TryGetValue(column, out var i)
                ? i < cells.Length ? cells[i] : ""
                : throw new KeyNotFoundException($"table has no column '{column}'");
    }

    /// <summary>The table <c>Rules/Data/<paramref name="fileName"/></c>, as compiled.</summary>
    public static CompiledTable Get(string fileName) => CompiledTables.Table(fileName);

    /// <summary>Parses a .tsv file's text: lines split on tabs, cells trimmed, blank lines skipped.</summary>
    public static CompiledTable Parse(string tsv)
    {
        string[]? header = null;
        var rows = new List<string[]>();
        foreach (var raw in tsv.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            var cells = line.Split('\t', StringSplitOptions.TrimEntries);
            if (header is null) header = cells;
            else rows.Add(cells);
        }
        return new CompiledTable(header ?? [], rows.ToArray());
    }
}
