using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Rules;
using AneCompat.Targets;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Reporting;

/// <summary>
/// What a report computes only when a renderer asks — each op's output texts, its inputs with their producers, the
/// op owning its block — says what the graph says, and says it the same way however often and from however many
/// threads it is asked.
/// </summary>
public class ReportOpDetailsTests
{
    public static IEnumerable<object[]> Models() => Corpus.Keys();

    private static (Plan Plan, Report Report) Analyze(string key)
    {
        var analysis = RuleEngine.Default.Evaluate(ModelReader.Read(Corpus.Path(key)), ChipProfiles.Default);
        var plan = Planner.Predict(analysis, ComputeUnits.All);
        return (plan, ReportBuilder.Build(analysis, plan));
    }

    [CorpusTheory]
    [MemberData(nameof(Models))]
    public void OutputsAndInputsSayWhatTheGraphSays(string key)
    {
        var (plan, report) = Analyze(key);
        Assert.Equal(plan.Ops.Count, report.Ops.Count);
        // Latest producer of each value so far, per function, in execution order (values are scoped to a function).
        var producers = new Dictionary<(string, string), int>();
        for (var i = 0; i < report.Ops.Count; i++)
        {
            var op = plan.Ops[i].Op;
            var shown = report.Ops[i];
            Assert.Equal(op.Index, shown.Index);
            Assert.Equal(op.Outputs.Select(o => $"{o.Name}: {o.Type}"), shown.Outputs);
            var named = op.AllArguments.Where(a => !string.IsNullOrEmpty(a.Name)).ToList();
            Assert.Equal(named.Select(a => a.Name), shown.Inputs.Select(x => x.Name));
            Assert.Equal(named.Select(a => a.Type.ToString()), shown.Inputs.Select(x => x.Type));
            Assert.Equal(named.Select(a => producers.TryGetValue((op.Function, a.Name!), out var from) ? from : (int?)null), shown.Inputs.Select(x => x.From));
            foreach (var o in op.Outputs) producers[(op.Function, o.Name)] = op.Index;
        }
    }

    [CorpusTheory]
    [MemberData(nameof(Models))]
    public void EveryOpInsideABlockNamesTheOpThatOwnsIt(string key)
    {
        var (plan, report) = Analyze(key);
        var owner = new Dictionary<Graph.Op, int>(ReferenceEqualityComparer.Instance);
        foreach (var p in plan.Ops)
            foreach (var block in p.Op.Blocks)
                foreach (var inner in block.Ops)
                    owner[inner] = p.Op.Index;
        for (var i = 0; i < report.Ops.Count; i++)
            Assert.Equal(owner.TryGetValue(plan.Ops[i].Op, out var parent) ? parent : null, report.Ops[i].Parent);
    }

    [CorpusFact]
    public void AskedTwiceTheTextsAreTheSameOnes()
    {
        var (_, report) = Analyze("pose-hourglass/model_hourglass.mlmodel");
        var op = report.Ops[report.Ops.Count / 2];
        Assert.NotEmpty(op.Outputs);
        Assert.Same(op.Outputs, op.Outputs);
        Assert.Same(op.Inputs, op.Inputs);
        Assert.Equal(JsonReportWriter.ToJson(report), JsonReportWriter.ToJson(report));
    }

    [CorpusFact]
    public void RenderersOnSeveralThreadsSeeTheTextsOneThreadSees()
    {
        var (_, sequential) = Analyze("tf-lstm-nd-controlflow/model.mlmodel");
        var expected = JsonReportWriter.ToJson(sequential);
        var (_, shared) = Analyze("tf-lstm-nd-controlflow/model.mlmodel");
        var texts = new string[8];
        Parallel.For(0, texts.Length, i => texts[i] = JsonReportWriter.ToJson(shared));
        Assert.All(texts, t => Assert.Equal(expected, t));
    }
}
