using AneCompat.Graph;
using AneCompat.Rules;
using AneCompat.Targets;
using ValueType = AneCompat.Graph.ValueType;

namespace AneCompat.Tests.Support;

/// <summary>
/// Builds small graphs in code the way a decoder would (typed inputs, ops with common attributes, constant arguments,
/// typed outputs), so each rule can be tested on both sides of its threshold without a model file.
/// </summary>
public sealed class GraphBuilder
{
    private readonly ContainerKind _container;

    public GraphBuilder(ModelFamily family = ModelFamily.MlProgram, string? modelType = null, ContainerKind container = ContainerKind.MlPackage)
    {
        _container = container;
        Root = new ModelNode
        {
            ModelType = modelType ?? (family == ModelFamily.MlProgram ? "mlProgram" : family == ModelFamily.NeuralNetwork ? "neuralNetwork" : "pipeline"),
            Family = family,
        };
        Main = new GraphFunction { Name = "main", Opset = family == ModelFamily.MlProgram ? "ios17" : null };
        Root.Functions.Add(Main);
    }

    public ModelNode Root { get; }
    public GraphFunction Main { get; }

    public static ValueType T(ElementType e, params long[] shape) => ValueType.Tensor(e, TensorShape.Of(shape));
    public static ValueType F16(params long[] shape) => T(ElementType.Float16, shape);
    public static ValueType F32(params long[] shape) => T(ElementType.Float32, shape);
    public static ValueType I32(params long[] shape) => T(ElementType.Int32, shape);

    /// <summary>A function input, also declared in the model interface.</summary>
    public GraphBuilder Input(string name, ValueType type, ShapeFlexibility flexibility = ShapeFlexibility.Fixed, int enumeratedCount = 0)
    {
        Main.Inputs.Add(new GraphValue(name, type));
        Root.Interface.Inputs.Add(new FeatureInfo
        {
            Name = name,
            Kind = FeatureKind.MultiArray,
            Element = type.Element,
            Shape = type.Shape.Sizes ?? Array.Empty<long>(),
            Flexibility = flexibility,
            EnumeratedShapes = Enumerable.Range(0, enumeratedCount).Select(_ => (IReadOnlyList<long>)(type.Shape.Sizes ?? Array.Empty<long>())).ToList(),
            Ranges = flexibility == ShapeFlexibility.Ranged ? (type.Shape.Sizes ?? Array.Empty<long>()).Select(s => (1L, (long?)s)).ToList() : new List<(long, long?)>(),
        });
        return this;
    }

    public GraphBuilder State(string name, ValueType tensor)
    {
        Root.Interface.States.Add(new FeatureInfo { Name = name, Kind = FeatureKind.State, Element = tensor.Element, Shape = tensor.Shape.Sizes! });
        Main.Inputs.Add(new GraphValue(name, new ValueType(ValueKind.State, tensor.Element, tensor.Shape)));
        return this;
    }

    /// <summary>Appends an op; <paramref name="kind"/> defaults to the source name (MIL ops are canonical already).</summary>
    public OpBuilder Op(string source, string? kind = null, string? name = null)
    {
        var op = new Op { Kind = kind ?? source, Source = source, Name = name ?? $"{source}_{Main.Body.Ops.Count}", Function = "main" };
        Main.Body.Ops.Add(op);
        return new OpBuilder(op);
    }

    public GraphBuilder Output(string name)
    {
        Main.Outputs.Add(name);
        return this;
    }

    public ModelGraph Build()
    {
        var g = new ModelGraph { SourcePath = "test", Container = _container, Root = Root };
        g.AssignIndices();
        return g;
    }

    public Analysis Evaluate(string chip = "A17Pro") => RuleEngine.Default.Evaluate(Build(), ChipProfiles.Find(chip)!);

    /// <summary>A single-op ML program: the op's findings for one rule on one chip.</summary>
    public static List<Finding> Run(Action<OpBuilder> configure, string ruleId, string chip = "A17Pro", string source = "conv", string? kind = null, ModelFamily family = ModelFamily.MlProgram)
    {
        var b = new GraphBuilder(family);
        configure(b.Op(source, kind));
        return b.Evaluate(chip).Findings.Where(f => f.RuleId == ruleId).ToList();
    }
}

public sealed class OpBuilder
{
    public OpBuilder(Op op) => Op = op;

    public Op Op { get; }

    public OpBuilder In(string parameter, string name, ValueType type)
    {
        Op.Inputs.Add(new OpInput(parameter, new[] { new Argument { Name = name, Type = type } }));
        return this;
    }

    public OpBuilder Const(string parameter, ValueType type, long[]? ints = null, double[]? floats = null, string? text = null, bool? flag = null)
    {
        var value = new ConstantValue { Type = type, Ints = ints, Floats = floats, Strings = text is null ? null : new[] { text }, Bools = flag is null ? null : new[] { flag.Value } };
        Op.Inputs.Add(new OpInput(parameter, new[] { new Argument { Name = $"{parameter}_const", Constant = value, Type = type } }));
        return this;
    }

    public OpBuilder Out(string name, ValueType type)
    {
        Op.Outputs.Add(new GraphValue(name, type));
        return this;
    }

    public OpBuilder Attr(string name, object value)
    {
        Op.Attributes[name] = value;
        return this;
    }
}
