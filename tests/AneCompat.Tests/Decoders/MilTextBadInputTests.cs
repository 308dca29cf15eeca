using System.Text.RegularExpressions;
using AneCompat.Decoders.MilText;
using AneCompat.Diagnostics;
using AneCompat.Graph;

namespace AneCompat.Tests.Decoders;

/// <summary>Broken and hostile model.mil texts: each must end in one ModelReadException naming file, line and column.</summary>
public sealed class MilTextBadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("anecompat-milbad-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private ModelReadException Fails(string text)
    {
        var path = Path.Combine(_dir, "model.mil");
        File.WriteAllText(path, text);
        var e = Record.Exception(() => MilTextDecoder.Decode(path, _dir, new List<ReadWarning>(), ""));
        var read = Assert.IsType<ModelReadException>(e);
        Assert.Equal(path, read.FilePath);
        Assert.Matches(new Regex(@"line \d+, column \d+: "), read.Message);
        Assert.DoesNotContain('\n', read.Message);
        return read;
    }

    public static IEnumerable<object[]> TruncationPoints()
    {
        var text = MilTextGrammarTests.StatefulTwoFunctions;
        var end = text.LastIndexOf('}');
        // An empty file is refused before parsing (EmptyFileIsRefusedBeforeParsing), so cuts start at one character.
        for (var cut = 1; cut < end; cut += 13) yield return new object[] { cut };
        yield return new object[] { end };
    }

    [Theory]
    [MemberData(nameof(TruncationPoints))]
    public void Truncated_text_fails_with_a_position(int length)
    {
        var e = Fails(MilTextGrammarTests.StatefulTwoFunctions[..length]);
        Assert.Contains("expected", e.Problem);
    }

    [Fact]
    public void Truncated_file_reports_end_of_file()
    {
        var e = Fails("program(1.0)\n{\n    func main<ios16>(tensor<fp16, [1]> x) {\n");
        Assert.Contains("end of file", e.Problem);
        Assert.Contains("line 4", e.Problem);
    }

    [Fact]
    public void Unbalanced_braces_fail()
    {
        const string body = "    func main<ios16>(tensor<fp16, [1]> x) {\n        tensor<fp16, [1]> y = relu(x = x)[name = string(\"r\")];\n    } -> (y);\n";
        Fails("program(1.0)\n{\n" + body + "}\n}\n");          // one '}' too many
        Fails("program(1.0)\n{\n" + body);                     // program never closed
        Fails("program(1.0)\n{\n" + body.Replace("} -> (y);", "-> (y);") + "}\n"); // block never closed
        var e = Fails("program(1.0)\n{\n" + body.Replace("relu(x = x)", "relu(x = x") + "}\n");
        Assert.Contains("line 4", e.Problem);
    }

    [Theory]
    [InlineData("[", 100_000)]
    [InlineData("(", 100_000)]
    [InlineData("{", 100_000)]
    public void Nesting_bomb_in_a_literal_is_refused(string open, int depth)
    {
        var bomb = "program(1.0)\n{\n    func main<ios16>(tensor<fp16, [1]> x) {\n        tensor<int32, [1]> c = const()[name = string(\"c\"), val = tensor<int32, [1]>("
                   + string.Concat(Enumerable.Repeat(open, depth));
        var e = Fails(bomb);
        Assert.Contains($"nesting deeper than {Limits.MaxMilNesting}", e.Problem);
    }

    [Fact]
    public void Nesting_bomb_in_types_and_blocks_is_refused()
    {
        var types = "program(1.0)\n{\n    func main<ios16>(" + string.Concat(Enumerable.Repeat("state<", 10_000));
        Assert.Contains("nesting deeper", Fails(types).Problem);
        var blocks = "program(1.0)\n{\n    func main<ios16>() {\n"
                     + string.Concat(Enumerable.Repeat("tensor<fp16, [1]> y = cond(pred = p) b() {\n", 5_000));
        Assert.Contains("nesting deeper", Fails(blocks).Problem);
    }

    [Fact]
    public void Over_long_line_is_refused()
    {
        var e = Fails("program(1.0)\n{" + new string(' ', Limits.MaxMilLineLength + 10) + "}\n");
        Assert.Contains("line 2", e.Problem);
        Assert.Contains("longer than", e.Problem);
    }

    [Theory]
    [InlineData("@model_path/../secret.bin", "..")]
    [InlineData("/etc/passwd", "@model_path")]
    [InlineData("@model_path//etc/passwd", "absolute")]
    public void Blobfile_paths_that_leave_the_model_are_refused(string path, string why)
    {
        var text = "program(1.0)\n{\n    func main<ios16>() {\n        tensor<fp16, [4]> w = const()[name = string(\"w\"), val = tensor<fp16, [4]>(BLOBFILE(path = string(\""
                   + path + "\"), offset = uint64(64)))];\n    } -> (w);\n}\n";
        var e = Fails(text);
        Assert.Contains("line 4", e.Problem);
        Assert.Contains(why, e.Problem);
    }

    [Fact]
    public void Blobfile_offset_past_the_end_or_without_a_blob_record_is_refused()
    {
        var offsets = MilTextGrammarTests.WriteWeightFile(_dir, 64);
        Assert.Contains("past the end", Fails(BlobProgram(1_000_000)).Problem);
        Assert.Contains("0xDEADBEEF", Fails(BlobProgram(offsets[0] + 64)).Problem); // points at data, not metadata
    }

    private static string BlobProgram(ulong offset) =>
        "program(1.0)\n{\n    func main<ios16>() {\n        tensor<fp16, [4]> w = const()[name = string(\"w\"), val = tensor<fp16, [4]>(BLOBFILE(path = string(\"@model_path/weights/weight.bin\"), offset = uint64("
        + offset + ")))];\n    } -> (w);\n}\n";

    [Theory]
    [InlineData("program(1.0)\n{\n    func main<ios16>(tensor<fp16, [1, -3]> x) {\n    } -> ();\n}\n", "dimension")]
    [InlineData("program(1.0)\n{\n    func main<ios16>(tensor<fp99, [1]> x) {\n    } -> ();\n}\n", "element type")]
    [InlineData("program(1.0)\n{\n    func main<ios16>(tensor<fp16, [1]> x) {\n        tensor<fp16, [1]> y = relu(x = x)[name = string(\"r)];\n    } -> (y);\n}\n", "unterminated string")]
    [InlineData("program(1.0)\n{\n    func main<ios16>() {\n        int32 c = const()[name = string(\"c\"), val = int32(0x)];\n    } -> (c);\n}\n", "number")]
    [InlineData("program(1.0)\n{\n    func main<ios16>() {\n        int32 c = const()[val = int32(1)] \u0001;\n    } -> (c);\n}\n", "unexpected character")]
    [InlineData(" ", "'program'")]
    public void Malformed_tokens_and_types_are_reported(string text, string what) =>
        Assert.Contains(what, Fails(text).Problem);

    [Fact]
    public void EmptyFileIsRefusedBeforeParsing()
    {
        // Nothing of length 0 is opened (a FIFO in its place would block), so there is no position to report.
        var path = Path.Combine(_dir, "model.mil");
        File.WriteAllText(path, "");
        var e = Assert.Throws<ModelReadException>(() => MilTextDecoder.Decode(path, _dir, new List<ReadWarning>(), ""));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("file is empty", e.Problem);
    }
}
