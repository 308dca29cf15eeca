using System.Text;
using AneCompat.Diagnostics;

namespace AneCompat.Decoders.MilText;

public enum MilTokenKind { Identifier, Number, String, Symbol, Arrow, End }

/// <summary>One token of model.mil with the 1-based position it starts at.</summary>
public readonly record struct MilToken(MilTokenKind Kind, string Text, int Line, int Column)
{
    public bool Is(string symbol) => Kind is MilTokenKind.Symbol or MilTokenKind.Arrow && Text == symbol;
    public bool IsIdentifier(string name) => Kind == MilTokenKind.Identifier && Text == name;

    public string Describe() => Kind switch
    {
        MilTokenKind.End => "end of file",
        MilTokenKind.String => "a string",
        MilTokenKind.Number => $"number {Text}",
        MilTokenKind.Identifier => $"'{Truncate(Text)}'",
        _ => $"'{Text}'",
    };

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}

/// <summary>
/// Splits model.mil into tokens while streaming it (the file may be hundreds of megabytes): identifiers (which may
/// contain <c>@</c> and <c>.</c>), numbers (decimal, hex floats such as <c>-0x1.388p+13</c>), quoted strings,
/// single-character symbols and <c>-&gt;</c>. Enforces <see cref="Limits.MaxMilLineLength"/>.
/// </summary>
public sealed class MilTokenizer
{
    private const string Symbols = "()[]{}<>,=;?*:";

    private readonly TextReader _reader;
    private readonly string _path;
    private readonly List<MilToken> _lookahead = new();
    private int _line = 1;
    private int _column = 1;
    private readonly char[] _buffer = new char[64 * 1024];
    private int _position;
    private int _length;

    public MilTokenizer(TextReader reader, string path)
    {
        _reader = reader;
        _path = path;
    }

    /// <summary>The token <paramref name="ahead"/> positions from the current one, without consuming it.</summary>
    public MilToken Peek(int ahead = 0)
    {
        while (_lookahead.Count <= ahead) _lookahead.Add(Scan());
        return _lookahead[ahead];
    }

    public MilToken Next()
    {
        var t = Peek();
        _lookahead.RemoveAt(0);
        return t;
    }

    public ModelReadException Error(int line, int column, string problem) =>
        new(_path, $"line {line}, column {column}: {problem}");

    // Own buffer rather than TextReader.Read per character: model.mil files run to hundreds of megabytes.
    private int PeekChar()
    {
        if (_position < _length) return _buffer[_position];
        _length = _reader.Read(_buffer, 0, _buffer.Length);
        _position = 0;
        return _length > 0 ? _buffer[0] : -1;
    }

    private int ReadChar()
    {
        var c = PeekChar();
        if (c >= 0) _position++;
        if (c == '\n') { _line++; _column = 1; }
        else if (c >= 0)
        {
            if (++_column > Limits.MaxMilLineLength)
                throw Error(_line, _column, $"line is longer than {Limits.MaxMilLineLength} characters");
        }
        return c;
    }

    private MilToken Scan()
    {
        SkipSpaceAndComments();
        int line = _line, column = _column;
        var c = PeekChar();
        if (c < 0) return new MilToken(MilTokenKind.End, "", line, column);
        if (c == '"') return new MilToken(MilTokenKind.String, ScanString(line, column), line, column);
        if (c == '-')
        {
            ReadChar();
            if (PeekChar() == '>') { ReadChar(); return new MilToken(MilTokenKind.Arrow, "->", line, column); }
            if (IsDigit(PeekChar())) return new MilToken(MilTokenKind.Number, "-" + ScanWord(), line, column);
            return new MilToken(MilTokenKind.Symbol, "-", line, column);
        }
        if (c == '+')
        {
            ReadChar();
            if (IsDigit(PeekChar())) return new MilToken(MilTokenKind.Number, ScanWord(), line, column);
            return new MilToken(MilTokenKind.Symbol, "+", line, column);
        }
        if (IsDigit(c)) return new MilToken(MilTokenKind.Number, ScanWord(), line, column);
        if (IsIdentifierStart(c)) return new MilToken(MilTokenKind.Identifier, ScanWord(), line, column);
        if (Symbols.IndexOf((char)c) >= 0)
        {
            ReadChar();
            return new MilToken(MilTokenKind.Symbol, ((char)c).ToString(), line, column);
        }
        throw Error(line, column, $"unexpected character {Printable(c)}");
    }

    private void SkipSpaceAndComments()
    {
        while (true)
        {
            var c = PeekChar();
            if (c is ' ' or '\t' or '\r' or '\n' or '\f' or '\v' or 0xFEFF) { ReadChar(); continue; }
            if (c == '/')
            {
                int line = _line, column = _column;
                ReadChar();
                if (PeekChar() != '/') throw Error(line, column, "unexpected character '/'");
                while (PeekChar() is >= 0 and not '\n') ReadChar();
                continue;
            }
            return;
        }
    }

    /// <summary>Identifier or number: letters, digits, '_', '@', '.', and an exponent sign after e/p in numbers.</summary>
    private string ScanWord()
    {
        var sb = new StringBuilder();
        var number = IsDigit(PeekChar());
        while (true)
        {
            var c = PeekChar();
            if (IsIdentifierPart(c)) { sb.Append((char)ReadChar()); continue; }
            if (number && c is '+' or '-' && sb.Length > 0 && ExponentMarker(sb)) { sb.Append((char)ReadChar()); continue; }
            return sb.ToString();
        }
    }

    private static bool ExponentMarker(StringBuilder sb)
    {
        var last = char.ToLowerInvariant(sb[^1]);
        var hex = sb.Length > 1 && (sb.ToString().Contains("0x", StringComparison.OrdinalIgnoreCase));
        return hex ? last == 'p' : last == 'e';
    }

    private string ScanString(int line, int column)
    {
        ReadChar();
        var sb = new StringBuilder();
        while (true)
        {
            var c = ReadChar();
            if (c < 0) throw Error(line, column, "unterminated string: expected '\"' before end of file");
            if (c == '\n') throw Error(line, column, "unterminated string: expected '\"' before end of line");
            if (c == '"') return sb.ToString();
            if (c == '\\')
            {
                var e = ReadChar();
                if (e < 0) throw Error(line, column, "unterminated string: expected '\"' before end of file");
                sb.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', _ => (char)e });
                continue;
            }
            sb.Append((char)c);
        }
    }

    private static bool IsDigit(int c) => c is >= '0' and <= '9';
    private static bool IsIdentifierStart(int c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or '_' or '@';
    private static bool IsIdentifierPart(int c) => IsIdentifierStart(c) || IsDigit(c) || c == '.';

    private static string Printable(int c) => c is >= 0x20 and < 0x7F ? $"'{(char)c}'" : $"U+{c:X4}";
}
