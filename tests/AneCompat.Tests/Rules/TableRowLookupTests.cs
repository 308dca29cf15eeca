using AneCompat.Graph;
using AneCompat.Rules;
using AneCompat.Targets;

namespace AneCompat.Tests.Rules;

/// <summary>
/// The engine looks each op spelling up in the status tables once per model node (ModelContext.Entry) and shares
/// the row between the model checks and the op checks. The cache must never hand one member, or one model, the row
/// another resolved: "softmax" is a MIL op (status C) and a NeuralNetwork layer (status Y).
/// </summary>
public class TableRowLookupTests
{
    [Fact]
    public void OneSpellingInTwoPipelineMembersResolvesInEachMembersOwnTable()
    {
        var root = new ModelNode { ModelType = "pipeline", Family = ModelFamily.Pipeline };
        root.Children.Add(Member("models[0]", ModelFamily.NeuralNetwork, "neuralNetwork"));
        root.Children.Add(Member("models[1]", ModelFamily.MlProgram, "mlProgram"));
        var g = new ModelGraph { SourcePath = "t", Container = ContainerKind.MlModel, Root = root };
        g.AssignIndices();

        var a = RuleEngine.Default.Evaluate(g, ChipProfiles.Default);

        Assert.Equal(OpStatus.Supported, a.Statuses[0]);
        Assert.Equal(OpStatus.Conditional, a.Statuses[1]);
    }

    [Fact]
    public void AnEvaluationNeverReusesTheRowsOfAnEarlierModel()
    {
        var program = Graph(ModelFamily.MlProgram, "mlProgram");
        var network = Graph(ModelFamily.NeuralNetwork, "neuralNetwork");

        Assert.Equal(OpStatus.Conditional, RuleEngine.Default.Evaluate(program, ChipProfiles.Default).Statuses[0]);
        Assert.Equal(OpStatus.Supported, RuleEngine.Default.Evaluate(network, ChipProfiles.Default).Statuses[0]);
        Assert.Equal(OpStatus.Conditional, RuleEngine.Default.Evaluate(program, ChipProfiles.Default).Statuses[0]);
    }

    private static ModelGraph Graph(ModelFamily family, string type)
    {
        var g = new ModelGraph { SourcePath = "t", Container = ContainerKind.MlModel, Root = Member("", family, type) };
        g.AssignIndices();
        return g;
    }

    private static ModelNode Member(string path, ModelFamily family, string type)
    {
        var node = new ModelNode { Path = path, ModelType = type, Family = family };
        var main = new GraphFunction { Name = "main" };
        var op = new Op { Kind = "softmax", Source = "softmax", Function = node.FunctionPrefix + "main" };
        op.Outputs.Add(new GraphValue("y", AneCompat.Graph.ValueType.Tensor(ElementType.Float16, TensorShape.Of(1, 8))));
        main.Body.Ops.Add(op);
        node.Functions.Add(main);
        return node;
    }
}
