using AneCompat.Graph;
using AneCompat.Rules;
using AneCompat.Targets;
using ValueType = AneCompat.Graph.ValueType;

namespace AneCompat.Tests.Support;

/// <summary>Builds small graphs and hand-made analyses in code for planner and report tests.</summary>
public sealed class GraphFactory
{
    private readonly List<Op> _ops = new();
    private readonly List<Finding> _findings = new();
    private readonly Dictionary<int, OpStatus> _statuses = new();

    public static ValueType Fp16(params long[] shape) => ValueType.Tensor(ElementType.Float16, TensorShape.Of(shape));

    /// <summary>Adds an op reading <paramref name="inputs"/> (as parameter x, y, …) and writing one output.</summary>
    public Op Add(string kind, string output, ValueType outType, params (string Name, ValueType Type)[] inputs)
    {
        var op = new Op { Kind = kind, Source = kind, Name = output + "_op", Index = _ops.Count };
        var names = new[] { "x", "y", "z", "w" };
        for (var i = 0; i < inputs.Length; i++)
            op.Inputs.Add(new OpInput(names[i], new[] { new Argument { Name = inputs[i].Name, Type = inputs[i].Type } }));
        op.Outputs.Add(new GraphValue(output, outType));
        _ops.Add(op);
        return op;
    }

    /// <summary>A 3×3 convolution with the given channels over an NCHW input.</summary>
    public Op Conv(string input, string output, long cin, long cout, long h, long w)
    {
        var op = Add("conv", output, Fp16(1, cout, h, w), (input, Fp16(1, cin, h, w)));
        op.Attributes[Attr.Kernel] = new long[] { 3, 3 };
        op.Attributes[Attr.InChannels] = cin;
        op.Attributes[Attr.OutChannels] = cout;
        op.WeightBytes = cout * cin * 9 * 2;
        return op;
    }

    public void Finding(Op op, string rule, Effect effect, string? fix = null) =>
        _findings.Add(new Finding(rule, op.Index, effect, Confidence.A, new[] { "TEST-SRC" }, $"{rule} fired on {op.Kind}", fix));

    public void ModelFinding(string rule, Effect effect) =>
        _findings.Add(new Finding(rule, null, effect, Confidence.A, new[] { "TEST-SRC" }, $"{rule} applies to the model", null));

    public void Status(Op op, OpStatus status) => _statuses[op.Index] = status;

    /// <summary>Indices are assigned as ops are added, so findings can be attached right away.</summary>
    public Op Last => _ops[^1];

    public ModelGraph Graph(string path = "test.mlpackage", string function = "main")
    {
        var root = new ModelNode { ModelType = "mlProgram", Family = ModelFamily.MlProgram, SpecificationVersion = 7 };
        var f = new GraphFunction { Name = function };
        f.Body.Ops.AddRange(_ops);
        root.Functions.Add(f);
        var g = new ModelGraph { SourcePath = path, Container = ContainerKind.MlPackage, Root = root };
        foreach (var op in _ops) op.Function = function;
        g.AssignIndices();
        return g;
    }

    public Analysis Analysis(ModelGraph graph, ChipProfile? target = null) =>
        new(graph, target ?? ChipProfiles.Default, _findings.ToList(), new Dictionary<int, OpStatus>(_statuses));

    public (ModelGraph Graph, Analysis Analysis) Build()
    {
        var g = Graph();
        return (g, Analysis(g));
    }
}
