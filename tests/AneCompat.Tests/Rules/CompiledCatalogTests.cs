using AneCompat.Building;
using AneCompat.Registry;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Rules;

/// <summary>The rule base compiled into the assembly is exactly what src/AneCompat/Rules/Data says.</summary>
public class CompiledCatalogTests
{
    // After editing a file under src/AneCompat/Rules/Data:
    //   dotnet run --project bench/AneCompat.Bench -c Release -- make-catalog-tables
    [Fact]
    public void CompiledTablesAreInSyncWithTheTsvFiles()
    {
        var committed = File.ReadAllText(Path.Combine(Corpus.RepoRoot, CatalogTablesGenerator.TablesPath));
        Assert.Equal(CatalogTablesGenerator.GenerateTables(Corpus.RepoRoot).ReplaceLineEndings(), committed.ReplaceLineEndings());
    }

    [Fact]
    public void CompiledRulesAreInSyncWithRulesJson()
    {
        var committed = File.ReadAllText(Path.Combine(Corpus.RepoRoot, CatalogTablesGenerator.RulesPath));
        Assert.Equal(CatalogTablesGenerator.GenerateRules(Corpus.RepoRoot).ReplaceLineEndings(), committed.ReplaceLineEndings());
    }

    [Fact]
    public void EveryTsvFileIsCompiledRowForRow()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(Corpus.RepoRoot, CatalogTablesGenerator.DataFolder), "*.tsv"))
        {
            var lines = File.ReadAllLines(file).Where(l => l.Trim('\r').Length > 0).ToList();
            var table = CompiledTable.Get(Path.GetFileName(file));
            Assert.Equal(lines.Count - 1, table.Rows.Count());
            Assert.Equal(lines[0].Split('\t')[0].Trim(), table.Header[0]);
            Assert.Equal(lines[^1].Split('\t')[0].Trim(), table.Rows.Last().Cells[0]);
        }
    }

    [Fact]
    public void ParsingTrimsCellsAndPadsShortRows()
    {
        var table = CompiledTable.Parse("a\tb\tc\r\n\n x \ty\n");
        Assert.Equal(new[] { "a", "b", "c" }, table.Header);
        var row = Assert.Single(table.Rows);
        Assert.Equal("x", row["a"]);
        Assert.Equal("y", row["b"]);
        Assert.Equal("", row["c"]);
        Assert.Throws<KeyNotFoundException>(() => row["d"]);
    }

    [Fact]
    public void LiteralsEscapeEverythingOutsidePrintableAscii() =>
        Assert.Equal("\"a\\\"b\\\\c\\u2013\\u000a\"", CatalogTablesGenerator.Literal("a\"b\\c\u2013\n"));
}
