using System.Globalization;
using AneCompat.Decoders.Blobs;
using AneCompat.Decoders.MilProgram;
using AneCompat.Diagnostics;
using AneCompat.Graph;
using ValueType = AneCompat.Graph.ValueType;

namespace AneCompat.Decoders.MilText;

/// <summary>
/// Recursive-descent parser for compiled ML program text. There is no published grammar; this follows what
/// compilers are seen to write (see formats.md d.5) and is tolerant where spellings vary (verbose and bare scalar
/// types, opset names, nested blocks with or without a label). Every error names line, column and what was expected.
/// </summary>
internal sealed class MilTextParser
{
    private static readonly HashSet<string> TypeKeywords = new(StringComparer.Ordinal) { "tensor", "state", "list", "tuple", "dict" };

    private readonly MilTokenizer _tokens;
    private readonly MilBlobReader _blobs;
    private readonly string _functionPrefix;
    private int _depth;
    private int _opCount;
    private string _opset = "";
    private string _function = "main";
    private string _functionName = "main";

    public MilTextParser(MilTokenizer tokens, MilBlobReader blobs, string functionPrefix)
    {
        _tokens = tokens;
        _blobs = blobs;
        _functionPrefix = functionPrefix;
    }

    /// <summary><c>program(version) [attrs]? { func… }</c></summary>
    public List<GraphFunction> ParseProgram()
    {
        ExpectIdentifier("program");
        Expect("(");
        ExpectKind(MilTokenKind.Number, "the program version");
        Expect(")");
        if (_tokens.Peek().Is("[")) SkipAttributes();
        Expect("{");
        var functions = new List<GraphFunction>();
        while (!_tokens.Peek().Is("}"))
        {
            if (functions.Count >= Limits.MaxFunctions)
                throw ErrorAt(_tokens.Peek(), $"more than {Limits.MaxFunctions} functions");
            functions.Add(ParseFunction());
        }
        Expect("}");
        ExpectKind(MilTokenKind.End, "end of file after the program's closing '}'");
        // The default function first, then by name, as the protobuf decoder orders them.
        return functions.OrderBy(f => f.Name == "main" ? 0 : 1).ThenBy(f => f.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary><c>func name&lt;opset&gt;(inputs) [attrs]? { ops } -> (outputs);</c></summary>
    private GraphFunction ParseFunction()
    {
        ExpectIdentifier("func");
        var name = ExpectKind(MilTokenKind.Identifier, "a function name").Text;
        Expect("<");
        _opset = ExpectKind(MilTokenKind.Identifier, "an opset name such as ios16 or CoreML8").Text;
        Expect(">");
        _function = _functionPrefix + name;
        _functionName = name;
        var function = new GraphFunction { Name = name, Opset = _opset };
        function.Inputs.AddRange(ParseParameters());
        if (_tokens.Peek().Is("[")) SkipAttributes();
        ParseBlockBody(function.Body, Array.Empty<OriginStep>());
        if (_tokens.Peek().Is(";")) _tokens.Next();
        MilDataflow.Resolve(function);
        return function;
    }

    /// <summary><c>(type name, …)</c>; nested-block parameters may omit the type.</summary>
    private List<GraphValue> ParseParameters()
    {
        Expect("(");
        var result = new List<GraphValue>();
        if (_tokens.Peek().Is(")")) { _tokens.Next(); return result; }
        while (true)
        {
            var type = StartsTypedName() ? ParseType() : ValueType.Unknown;
            result.Add(new GraphValue(ExpectKind(MilTokenKind.Identifier, "a parameter name").Text, type));
            if (!ListContinues(")")) break;
        }
        return result;
    }

    /// <summary><c>{ statements } -> (outputs)</c></summary>
    private void ParseBlockBody(Block block, IReadOnlyList<OriginStep> path)
    {
        var open = Expect("{");
        Enter(open);
        while (!_tokens.Peek().Is("}"))
        {
            if (_tokens.Peek().Kind == MilTokenKind.End) throw Expected("'}' closing the block", _tokens.Peek());
            block.Ops.Add(ParseStatement(path, block.Ops.Count));
        }
        Expect("}");
        Expect("->");
        Expect("(");
        if (!_tokens.Peek().Is(")"))
            do block.Outputs.Add(ExpectKind(MilTokenKind.Identifier, "a block output name").Text);
            while (ListContinues(")"));
        else _tokens.Next();
        Exit();
    }

    /// <summary><c>type out, … = op(param = value, …) [attrs]? nested-blocks* ;</c> (ops without outputs omit the left side).</summary>
    private Op ParseStatement(IReadOnlyList<OriginStep> path, int index)
    {
        var outputs = new List<GraphValue>();
        var first = _tokens.Peek();
        if (!(first.Kind == MilTokenKind.Identifier && _tokens.Peek(1).Is("(") && !IsTypeKeyword(first.Text)))
        {
            do
            {
                var type = StartsTypedName() ? ParseType() : ValueType.Unknown;
                outputs.Add(new GraphValue(ExpectKind(MilTokenKind.Identifier, "an output name").Text, type));
            }
            while (ListContinues("="));
        }
        var opToken = ExpectKind(MilTokenKind.Identifier, "an op type");
        if (++_opCount > Limits.MaxOps) throw ErrorAt(opToken, $"more than {Limits.MaxOps} ops");
        var inputs = ParseArguments();
        string? name = null;
        var attributeInputs = new List<OpInput>();
        var attributes = new Dictionary<string, object>(StringComparer.Ordinal);
        var blocks = new List<Block>();
        while (!_tokens.Peek().Is(";"))
        {
            var t = _tokens.Peek();
            if (t.Is("[")) name = ParseOpAttributes(attributes, attributeInputs) ?? name;
            else if (t.Is("{")) blocks.Add(ParseNestedBlock(null, OpOrigin.Append(path, index, $"blocks[{blocks.Count}]")));
            else if (t.Kind == MilTokenKind.Identifier && _tokens.Peek(1).Is("(")) { _tokens.Next(); blocks.Add(ParseNestedBlock(t, OpOrigin.Append(path, index, $"blocks[{blocks.Count}]"))); }
            else throw Expected("';' ending the op, '[' attributes or a nested block", t);
        }
        Expect(";");
        var op = new Op
        {
            Kind = MilOpKind.Canonical(opToken.Text), Source = opToken.Text, Name = name, Opset = _opset, Function = _function,
            Origin = new OpOrigin(OpSourceFormat.MilText, OpOrigin.MemberOf(_functionPrefix), _functionName, path, index, name),
            SourceLine = first.Line,
        };
        op.Inputs.AddRange(inputs);
        op.Inputs.AddRange(attributeInputs);
        op.Outputs.AddRange(outputs);
        op.Blocks.AddRange(blocks);
        foreach (var kv in attributes) op.Attributes[kv.Key] = kv.Value;
        return op;
    }

    /// <summary>A nested block of cond/while_loop: optionally labelled and with parameters, then a block body.</summary>
    private Block ParseNestedBlock(MilToken? label, IReadOnlyList<OriginStep> path)
    {
        var block = new Block();
        var start = label ?? _tokens.Peek();
        Enter(start);
        if (label is not null) block.Inputs.AddRange(ParseParameters());
        ParseBlockBody(block, path);
        Exit();
        return block;
    }

    /// <summary><c>(param = value, …)</c>; a value may be a list <c>(a, b)</c> of references and literals.</summary>
    private List<OpInput> ParseArguments()
    {
        Expect("(");
        var inputs = new List<OpInput>();
        if (_tokens.Peek().Is(")")) { _tokens.Next(); return inputs; }
        do
        {
            var parameter = ExpectKind(MilTokenKind.Identifier, "a parameter name").Text;
            Expect("=");
            inputs.Add(new OpInput(parameter, ParseArgumentValue()));
        }
        while (ListContinues(")"));
        return inputs;
    }

    private List<Argument> ParseArgumentValue()
    {
        if (!_tokens.Peek().Is("(")) return new List<Argument> { ParseSingleArgument() };
        var open = _tokens.Next();
        Enter(open);
        var list = new List<Argument>();
        if (_tokens.Peek().Is(")")) _tokens.Next();
        else
            do list.Add(ParseSingleArgument());
            while (ListContinues(")"));
        Exit();
        return list;
    }

    private Argument ParseSingleArgument()
    {
        var t = _tokens.Peek();
        if (t.Kind == MilTokenKind.Identifier && !StartsTypedLiteral() && t.Text is not ("true" or "false" or "inf" or "nan"))
        {
            _tokens.Next();
            return new Argument { Name = t.Text };
        }
        var constant = ParseValue();
        return new Argument { Constant = constant, Type = constant.Type };
    }

    /// <summary>
    /// <c>[name = string("x"), val = …]</c>: the name becomes <see cref="Op.Name"/>, IntendedBackend an attribute,
    /// everything else (const <c>val</c>, iOS17 constexpr parameters) an input holding a constant.
    /// </summary>
    private string? ParseOpAttributes(Dictionary<string, object> attributes, List<OpInput> into)
    {
        var open = Expect("[");
        Enter(open);
        string? name = null;
        if (!_tokens.Peek().Is("]"))
            do
            {
                var key = ExpectKind(MilTokenKind.Identifier, "an attribute name").Text;
                Expect("=");
                var value = ParseValue();
                if (key == "name") name = value.AsString();
                else if (key == MilOpKind.IntendedBackendAttribute) { if (value.Strings is { } s) attributes[Attr.IntendedBackend] = s; }
                else if (key != "debug_id") into.Add(new OpInput(key, new[] { new Argument { Constant = value, Type = value.Type } }));
            }
            while (ListContinues("]"));
        else _tokens.Next();
        Exit();
        return name;
    }

    /// <summary>Program and function attribute lists: parsed for syntax, not kept.</summary>
    private void SkipAttributes()
    {
        var open = Expect("[");
        Enter(open);
        if (!_tokens.Peek().Is("]"))
            do
            {
                ExpectKind(MilTokenKind.Identifier, "an attribute name");
                Expect("=");
                ParseValue();
            }
            while (ListContinues("]"));
        else _tokens.Next();
        Exit();
    }

    /// <summary>A literal: <c>type(body)</c>, or an untyped number, string, bool or bracketed list.</summary>
    private ConstantValue ParseValue()
    {
        var start = _tokens.Peek();
        if (StartsTypedLiteral())
        {
            var type = ParseType();
            Expect("(");
            if (_tokens.Peek().IsIdentifier("BLOBFILE")) { var blob = ParseBlobFile(type); Expect(")"); return blob; }
            var typed = new MilLiteral();
            if (!_tokens.Peek().Is(")"))
                do ParseLiteralElement(typed);
                while (ListContinues(")"));
            else _tokens.Next();
            return typed.ToConstant(type);
        }
        var literal = new MilLiteral();
        ParseLiteralElement(literal);
        return literal.ToConstant(InferType(start, literal));
    }

    // Untyped literals appear only in tolerant spellings; give them the narrowest honest type.
    private static ValueType InferType(MilToken start, MilLiteral literal)
    {
        var c = literal.ToConstant(ValueType.Unknown);
        var element = c.Strings is not null ? ElementType.String : c.Bools is not null ? ElementType.Bool
            : c.Floats is not null ? ElementType.Float32 : ElementType.Int32;
        var shape = start.Is("[") || start.Is("(") ? TensorShape.Of(literal.Count) : TensorShape.Scalar;
        return ValueType.Tensor(element, shape);
    }

    /// <summary>One element of a literal body: scalar, string, bool, or a bracketed group (lists, tuples, dict entries).</summary>
    private void ParseLiteralElement(MilLiteral into)
    {
        var t = _tokens.Peek();
        switch (t.Kind)
        {
            case MilTokenKind.Number:
                _tokens.Next();
                AddNumber(t, into);
                return;
            case MilTokenKind.String:
                _tokens.Next();
                into.AddString(t.Text);
                return;
            case MilTokenKind.Identifier when t.Text is "true" or "false":
                _tokens.Next();
                into.AddBool(t.Text == "true");
                return;
            case MilTokenKind.Identifier when t.Text is "inf" or "nan":
                _tokens.Next();
                into.AddFloat(t.Text == "inf" ? double.PositiveInfinity : double.NaN);
                return;
            case MilTokenKind.Identifier when StartsTypedLiteral():
                var inner = ParseValue();
                AddConstant(inner, into);
                return;
            case MilTokenKind.Symbol when t.Text == "-" && _tokens.Peek(1).IsIdentifier("inf"):
                _tokens.Next();
                _tokens.Next();
                into.AddFloat(double.NegativeInfinity);
                return;
            case MilTokenKind.Symbol when t.Text is "[" or "(" or "{":
                var close = t.Text switch { "[" => "]", "(" => ")", _ => "}" };
                _tokens.Next();
                Enter(t);
                if (_tokens.Peek().Is(close)) _tokens.Next();
                else
                    do ParseLiteralElement(into);
                    while (ListContinues(close));
                Exit();
                return;
            default:
                throw Expected("a literal value (number, string, bool, list or typed value)", t);
        }
    }

    private static void AddConstant(ConstantValue c, MilLiteral into)
    {
        if (c.Strings is { } s) foreach (var x in s) into.AddString(x);
        else if (c.Bools is { } b) foreach (var x in b) into.AddBool(x);
        else if (c.Ints is { } i) foreach (var x in i) into.AddInt(x);
        else if (c.Floats is { } f) foreach (var x in f) into.AddFloat(x);
    }

    /// <summary><c>BLOBFILE(path = string("@model_path/…"), offset = uint64(64))</c>, resolved through the blob reader.</summary>
    private ConstantValue ParseBlobFile(ValueType type)
    {
        var at = _tokens.Next();
        Expect("(");
        string? path = null;
        long? offset = null;
        MilToken offsetToken = at;
        do
        {
            var key = ExpectKind(MilTokenKind.Identifier, "'path' or 'offset'");
            Expect("=");
            var value = ParseValue();
            if (key.Text == "path") path = value.AsString();
            else if (key.Text == "offset") { offset = value.Ints is { Length: 1 } ints ? ints[0] : -1; offsetToken = key; }
        }
        while (ListContinues(")"));
        if (path is null) throw ErrorAt(at, "BLOBFILE has no path = string(\"…\")");
        if (offset is null) throw ErrorAt(at, "BLOBFILE has no offset = uint64(…)");
        if (offset < 0) throw ErrorAt(offsetToken, "BLOBFILE offset is not a non-negative integer");
        try
        {
            return MilLiteral.FromBlob(type, _blobs.Resolve(path, (ulong)offset.Value, type.Element));
        }
        catch (ModelReadException e)
        {
            throw ErrorAt(at, $"BLOBFILE(path = \"{SafeText.Quote(path)}\", offset = {offset}): {e.Message}");
        }
    }

    /// <summary>
    /// <c>tensor&lt;dtype, [dims]&gt;</c>, <c>state&lt;T&gt;</c>, <c>list&lt;T, len&gt;</c>, <c>tuple&lt;T, …&gt;</c>,
    /// <c>dict&lt;K, V&gt;</c> or a bare scalar dtype (<c>int32</c>).
    /// </summary>
    private ValueType ParseType()
    {
        var t = ExpectKind(MilTokenKind.Identifier, "a type");
        if (ElementTypes.TryParseMilName(t.Text, out var scalar)) return ValueType.Tensor(scalar, TensorShape.Scalar);
        if (!TypeKeywords.Contains(t.Text)) throw Expected("a type (tensor<…>, state<…>, list<…>, tuple<…>, dict<…> or a dtype)", t);
        Enter(t);
        Expect("<");
        ValueType result;
        switch (t.Text)
        {
            case "tensor":
                var dtype = ExpectKind(MilTokenKind.Identifier, "an element type such as fp16 or int32");
                if (!ElementTypes.TryParseMilName(dtype.Text, out var element)) throw Expected("an element type such as fp16 or int32", dtype);
                var shape = TensorShape.Unknown;
                if (_tokens.Peek().Is(","))
                {
                    _tokens.Next();
                    shape = ParseShape();
                }
                result = ValueType.Tensor(element, shape);
                break;
            case "state":
                var wrapped = ParseType();
                result = new ValueType(ValueKind.State, wrapped.Element, wrapped.Shape);
                break;
            case "list":
                var item = ParseType();
                if (_tokens.Peek().Is(",")) { _tokens.Next(); ParseDim(); }
                result = new ValueType(ValueKind.List, item.Element, item.Shape);
                break;
            case "tuple":
                if (!_tokens.Peek().Is(">"))
                {
                    ParseType();
                    while (_tokens.Peek().Is(",")) { _tokens.Next(); ParseType(); }
                }
                result = new ValueType(ValueKind.Tuple, ElementType.Unknown, TensorShape.Unknown);
                break;
            default:
                ParseType();
                Expect(",");
                ParseType();
                result = new ValueType(ValueKind.Dictionary, ElementType.Unknown, TensorShape.Unknown);
                break;
        }
        Expect(">");
        Exit();
        return result;
    }

    /// <summary><c>[1, ?, 224]</c>, or <c>*</c> for an unknown rank.</summary>
    private TensorShape ParseShape()
    {
        if (_tokens.Peek().Is("*")) { _tokens.Next(); return TensorShape.Unknown; }
        Expect("[");
        var dims = new List<Dim>();
        if (_tokens.Peek().Is("]")) { _tokens.Next(); return TensorShape.Scalar; }
        do
        {
            if (dims.Count >= Limits.MaxMilNesting * 4) throw ErrorAt(_tokens.Peek(), "tensor rank is implausibly large");
            dims.Add(ParseDim());
        }
        while (ListContinues("]"));
        return new TensorShape(dims.ToArray());
    }

    private Dim ParseDim()
    {
        var t = _tokens.Next();
        if (t.Is("?")) return Dim.Unknown;
        if (t.Kind == MilTokenKind.Identifier) return Dim.Named(t.Text);
        if (t.Kind == MilTokenKind.Number && long.TryParse(t.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= 0)
            return Dim.Of(n);
        throw Expected("a dimension (a size, '?' or a symbol)", t);
    }

    private void AddNumber(MilToken t, MilLiteral into)
    {
        if (MilNumber.TryParseInteger(t.Text, out var l)) into.AddInt(l);
        else if (MilNumber.TryParseFloat(t.Text, out var d)) into.AddFloat(d);
        else throw Expected("a number", t);
    }

    /// <summary>Whether a typed output or parameter (a type then a name) starts here.</summary>
    private bool StartsTypedName()
    {
        var t = _tokens.Peek();
        if (t.Kind != MilTokenKind.Identifier) return false;
        if (TypeKeywords.Contains(t.Text)) return _tokens.Peek(1).Is("<");
        return ElementTypes.TryParseMilName(t.Text, out _) && _tokens.Peek(1).Kind == MilTokenKind.Identifier;
    }

    /// <summary>Whether a typed literal (<c>tensor&lt;…&gt;(…)</c>, <c>int32(1)</c>) starts here.</summary>
    private bool StartsTypedLiteral()
    {
        var t = _tokens.Peek();
        if (t.Kind != MilTokenKind.Identifier) return false;
        if (TypeKeywords.Contains(t.Text)) return _tokens.Peek(1).Is("<");
        return ElementTypes.TryParseMilName(t.Text, out _) && _tokens.Peek(1).Is("(");
    }

    private static bool IsTypeKeyword(string s) => TypeKeywords.Contains(s) || ElementTypes.TryParseMilName(s, out _);

    /// <summary>After a list element: true on ',' (another element follows), false on <paramref name="close"/> (consumed).</summary>
    private bool ListContinues(string close)
    {
        var t = _tokens.Next();
        if (t.Is(",")) return true;
        if (t.Is(close)) return false;
        throw Expected($"',' or '{close}'", t);
    }

    private void Enter(MilToken at)
    {
        if (++_depth > Limits.MaxMilNesting)
            throw ErrorAt(at, $"nesting deeper than {Limits.MaxMilNesting} levels");
    }

    private void Exit() => _depth--;

    private MilToken Expect(string symbol)
    {
        var t = _tokens.Next();
        if (!t.Is(symbol)) throw Expected($"'{symbol}'", t);
        return t;
    }

    private MilToken ExpectIdentifier(string word)
    {
        var t = _tokens.Next();
        if (!t.IsIdentifier(word)) throw Expected($"'{word}'", t);
        return t;
    }

    private MilToken ExpectKind(MilTokenKind kind, string what)
    {
        var t = _tokens.Next();
        if (t.Kind != kind) throw Expected(what, t);
        return t;
    }

    private ModelReadException Expected(string what, MilToken found) =>
        ErrorAt(found, $"expected {what}, found {found.Describe()}");

    private ModelReadException ErrorAt(MilToken at, string problem) => _tokens.Error(at.Line, at.Column, problem);
}
