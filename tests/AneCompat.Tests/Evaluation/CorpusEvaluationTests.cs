using AneCompat.Evaluation;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Evaluation;

/// <summary>The corpus' small models run end to end under the evaluator, with their real weights.</summary>
public class CorpusEvaluationTests
{
    [CorpusTheory]
    [InlineData("motion-dense-tiny/model.mlmodel")]
    [InlineData("pb-to-mlmodel-dense/model.mlmodel")]
    [InlineData("mnist-ph1ps/MNIST.mlmodel")]
    public void Small_corpus_models_evaluate_to_finite_outputs_deterministically(string key)
    {
        var model = LoadedModel.Read(Corpus.Path(key));
        var inputs = RandomInputs.For(model.Spec.Description, 7);
        var first = new ModelEvaluator().Evaluate(model, inputs);
        var again = new ModelEvaluator().Evaluate(model, inputs);
        Assert.NotEmpty(first);
        foreach (var (name, t) in first)
        {
            Assert.All(t.Data, v => Assert.True(float.IsFinite(v), $"{name} has a non-finite value"));
            Assert.Equal(t.Data, again[name].Data);
        }
    }

    [CorpusFact]
    public void Softmax_heads_sum_to_one()
    {
        var model = LoadedModel.Read(Corpus.Path("motion-dense-tiny/model.mlmodel"));
        var outputs = new ModelEvaluator().Evaluate(model, RandomInputs.For(model.Spec.Description, 3));
        Assert.Equal(1.0, outputs.Values.Single().Data.Sum(v => (double)v), 5);
    }

    [CorpusFact]
    public void The_lstm_model_with_control_flow_evaluates_deterministically()
    {
        var model = LoadedModel.Read(Corpus.Path("tf-lstm-nd-controlflow/model.mlmodel"));
        var inputs = RandomInputs.For(model.Spec.Description, 1);
        var first = new ModelEvaluator().Evaluate(model, inputs)["Identity"];
        Assert.Equal(new[] { 1, 1 }, first.Shape);
        Assert.InRange(first.Data[0], 0f, 1f);   // a sigmoid head
        Assert.Equal(first.Data, new ModelEvaluator().Evaluate(model, inputs)["Identity"].Data);
    }

    [CorpusFact]
    public void A_layer_the_evaluator_lacks_is_reported_not_covered_by_kind()
    {
        // A custom layer has no kernel unless the caller gives one.
        var model = LoadedModel.Read(Corpus.Path("custom-layer-swish/NeuralMcNeuralNet.mlmodel"));
        var e = Assert.Throws<NotCoveredException>(() => new ModelEvaluator().Evaluate(model, RandomInputs.For(model.Spec.Description, 1)));
        Assert.Equal("not covered: custom (Swish)", e.Message);
    }
}
