using AneCompat.Evaluation;
using AneCompat.Schema;
using AneCompat.Tests.Support;
using Tensor = AneCompat.Evaluation.Tensor;

namespace AneCompat.Tests.Evaluation;

/// <summary>
/// NeuralNetwork control flow (branch, loop, loopBreak, loopContinue) and the ND layers converters emit around it
/// (getShape, sliceStatic, gather, scatter, fill, range, comparisons, reductions) on small tensors worked out by
/// hand; then the corpus' Keras LSTM, whose TensorFlow while-loop the evaluator runs step by step, against the same
/// weights run through the evaluator's own uniDirectionalLSTM layer.
/// </summary>
public class ControlFlowLayerTests
{
    private static Tensor T(int[] shape, params float[] data) => new(shape, data);
    private static WeightParams W(params float[] v) { var w = new WeightParams(); w.FloatValue.AddRange(v); return w; }

    private static NeuralNetworkLayer L(string name, string[] inputs, string[] outputs, Action<NeuralNetworkLayer> set)
    {
        var layer = new NeuralNetworkLayer { Name = name };
        layer.Input.AddRange(inputs);
        layer.Output.AddRange(outputs);
        set(layer);
        return layer;
    }

    private static NeuralNetworkLayer Constant(string name, params float[] v) =>
        L(name, [], [name], l => { l.LoadConstantND = new LoadConstantNDLayerParams { Data = W(v) }; l.LoadConstantND.Shape.Add((ulong)v.Length); });

    private static NeuralNetworkLayer AddAlpha(string input, string output, float alpha) =>
        L($"{output}_add", [input], [output], l => l.Add = new AddLayerParams { Alpha = alpha });

    private static NeuralNetworkLayer Copy(string input, string output) => L($"{output}_copy", [input], [output], l => l.Copy = new CopyLayerParams());

    private static Dictionary<string, Tensor> Run(params NeuralNetworkLayer[] layers)
    {
        var blobs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        new NeuralNetworkEvaluator().Run(layers, blobs);
        return blobs;
    }

    [Fact]
    public void Loop_runs_its_body_while_the_condition_network_says_so()
    {
        // i = 0; s = 0; while (i < 4) { s = s + i; i = i + 1 }
        var loop = new LoopLayerParams { ConditionVar = "go", ConditionNetwork = new NeuralNetwork(), BodyNetwork = new NeuralNetwork() };
        loop.ConditionNetwork.Layers.Add(L("cond", ["i"], ["go"], l => l.LessThan = new LessThanLayerParams { Alpha = 4 }));
        loop.BodyNetwork.Layers.Add(L("sum", ["s", "i"], ["s_next"], l => l.AddBroadcastable = new AddBroadcastableLayerParams()));
        loop.BodyNetwork.Layers.Add(Copy("s_next", "s"));
        loop.BodyNetwork.Layers.Add(AddAlpha("i", "i_next", 1));
        loop.BodyNetwork.Layers.Add(Copy("i_next", "i"));
        var blobs = Run(Constant("i", 0), Constant("s", 0), L("loop", [], [], l => l.Loop = loop));
        Assert.Equal(new float[] { 4 }, blobs["i"].Data);
        Assert.Equal(new float[] { 0 + 1 + 2 + 3 }, blobs["s"].Data);
    }

    [Fact]
    public void Loop_with_an_iteration_count_obeys_loop_break_and_loop_continue_inside_branches()
    {
        // for 10 iterations: i += 1; if (i == 3) continue; if (i >= 5) break; s += i  →  s = 1 + 2 + 4, i = 5
        var body = new NeuralNetwork();
        body.Layers.Add(AddAlpha("i", "i_next", 1));
        body.Layers.Add(Copy("i_next", "i"));
        body.Layers.Add(L("is3", ["i"], ["is3"], l => l.Equal = new EqualLayerParams { Alpha = 3 }));
        var skip = new NeuralNetwork();
        skip.Layers.Add(L("continue", [], [], l => l.LoopContinue = new LoopContinueLayerParams()));
        body.Layers.Add(L("if3", ["is3"], [], l => l.Branch = new BranchLayerParams { IfBranch = skip }));
        body.Layers.Add(L("ge5", ["i"], ["ge5"], l => l.GreaterEqual = new GreaterEqualLayerParams { Alpha = 5 }));
        var stop = new NeuralNetwork();
        stop.Layers.Add(L("break", [], [], l => l.LoopBreak = new LoopBreakLayerParams()));
        body.Layers.Add(L("if5", ["ge5"], [], l => l.Branch = new BranchLayerParams { IfBranch = stop }));
        body.Layers.Add(L("sum", ["s", "i"], ["s_next"], l => l.AddBroadcastable = new AddBroadcastableLayerParams()));
        body.Layers.Add(Copy("s_next", "s"));
        var blobs = Run(Constant("i", 0), Constant("s", 0),
            L("loop", [], [], l => l.Loop = new LoopLayerParams { MaxLoopIterations = 10, BodyNetwork = body }));
        Assert.Equal(new float[] { 5 }, blobs["i"].Data);
        Assert.Equal(new float[] { 7 }, blobs["s"].Data);
    }

    [Fact]
    public void Branch_takes_the_else_network_when_the_condition_is_zero()
    {
        var ifNet = new NeuralNetwork(); ifNet.Layers.Add(AddAlpha("x", "y", 10));
        var elseNet = new NeuralNetwork(); elseNet.Layers.Add(AddAlpha("x", "y", -10));
        NeuralNetworkLayer Branch() => L("b", ["c"], [], l => l.Branch = new BranchLayerParams { IfBranch = ifNet, ElseBranch = elseNet });
        Assert.Equal(new float[] { 11 }, Run(Constant("x", 1), Constant("c", 1), Branch())["y"].Data);
        Assert.Equal(new float[] { -9 }, Run(Constant("x", 1), Constant("c", 0), Branch())["y"].Data);
    }

    [Fact]
    public void Loop_break_outside_a_loop_is_an_error_and_a_loop_with_no_bound_is_not_covered()
    {
        Assert.Throws<ArgumentException>(() => Run(L("break", [], [], l => l.LoopBreak = new LoopBreakLayerParams())));
        var unbounded = L("loop", [], [], l => l.Loop = new LoopLayerParams { BodyNetwork = new NeuralNetwork() });
        Assert.Equal("not covered: loop without a condition or an iteration count", Assert.Throws<NotCoveredException>(() => Run(unbounded)).Message);
    }

    private static Tensor One(NeuralNetworkLayer layer, params Tensor[] x) => new NeuralNetworkEvaluator().Layer(layer, x).Single();

    [Fact]
    public void Get_shape_fill_dynamic_and_range()
    {
        var shape = One(L("s", ["x"], ["y"], l => l.GetShape = new GetShapeLayerParams()), T([2, 3, 1], new float[6]));
        Assert.Equal(new float[] { 2, 3, 1 }, shape.Data);
        var filled = One(L("f", ["s"], ["y"], l => l.FillDynamic = new FillDynamicLayerParams { Value = 7 }), T([2], 2, 3));
        Assert.Equal(new[] { 2, 3 }, filled.Shape);
        Assert.All(filled.Data, v => Assert.Equal(7, v));
        Assert.Equal(new float[] { 1, 3.5f, 6 }, One(L("r", [], ["y"], l => l.RangeStatic = new RangeStaticLayerParams { StartValue = 1, EndValue = 7, StepSizeValue = 2.5f })).Data);
        Assert.Equal(new float[] { 0, 1, 2 }, One(L("r", ["n"], ["y"], l => l.RangeDynamic = new RangeDynamicLayerParams { StepSizeValue = 1 }), T([1], 3)).Data);
    }

    private static SliceStaticLayerParams Slice(long[] begin, long[] end, long[] strides, bool[]? beginMasks = null, bool[]? endMasks = null, bool[]? squeeze = null)
    {
        var p = new SliceStaticLayerParams();
        p.BeginIds.AddRange(begin); p.EndIds.AddRange(end); p.Strides.AddRange(strides);
        p.BeginMasks.AddRange(beginMasks ?? new bool[begin.Length]);
        p.EndMasks.AddRange(endMasks ?? new bool[begin.Length]);
        p.SqueezeMasks.AddRange(squeeze ?? new bool[begin.Length]);
        return p;
    }

    [Fact]
    public void Slice_static_follows_python_slicing_with_masks_negative_indices_and_squeeze()
    {
        var x = T([3, 4], 0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23);
        NeuralNetworkLayer S(SliceStaticLayerParams p) => L("s", ["x"], ["y"], l => l.SliceStatic = p);
        // x[1:, ::2]
        var a = One(S(Slice([1, 0], [0, 0], [1, 2], endMasks: [true, true])), x);
        Assert.Equal(new[] { 2, 2 }, a.Shape);
        Assert.Equal(new float[] { 10, 12, 20, 22 }, a.Data);
        // x[-1, 1:3] (row squeezed)
        var b = One(S(Slice([-1, 1], [0, 3], [1, 1], squeeze: [true, false])), x);
        Assert.Equal(new[] { 2 }, b.Shape);
        Assert.Equal(new float[] { 21, 22 }, b.Data);
        // x[::-1, 3] → a column read backwards
        var c = One(S(Slice([0, 3], [0, 0], [-1, 1], beginMasks: [true, false], endMasks: [true, false], squeeze: [false, true])), x);
        Assert.Equal(new float[] { 23, 13, 3 }, c.Data);
        // A full squeeze leaves a one-element rank-1 tensor (a NeuralNetwork tensor is never rank 0).
        var d = One(S(Slice([0], [1], [int.MaxValue], squeeze: [true])), T([3], 5, 6, 7));
        Assert.Equal(new[] { 1 }, d.Shape);
        Assert.Equal(new float[] { 5 }, d.Data);
    }

    [Fact]
    public void Gather_and_scatter_along_an_axis_with_negative_indices()
    {
        var data = T([3, 2], 1, 2, 3, 4, 5, 6);
        var g = One(L("g", ["d", "i"], ["y"], l => l.Gather = new GatherLayerParams()), data, T([2], 2, -3));
        Assert.Equal(new[] { 2, 2 }, g.Shape);
        Assert.Equal(new float[] { 5, 6, 1, 2 }, g.Data);
        var g1 = One(L("g", ["d", "i"], ["y"], l => l.Gather = new GatherLayerParams { Axis = 1 }), data, T([1], 1));
        Assert.Equal(new float[] { 2, 4, 6 }, g1.Data);

        var s = One(L("s", ["c", "i", "u"], ["y"], l => l.Scatter = new ScatterLayerParams()), data, T([1], -1), T([1, 2], 50, 60));
        Assert.Equal(new float[] { 1, 2, 3, 4, 50, 60 }, s.Data);
        var add = One(L("s", ["c", "i", "u"], ["y"], l => l.Scatter = new ScatterLayerParams { Mode = ScatterMode.ScatterAdd }), data, T([2], 0, 0), T([2, 2], 10, 10, 100, 100));
        Assert.Equal(new float[] { 111, 112, 3, 4, 5, 6 }, add.Data);
        Assert.Throws<ArgumentException>(() => One(L("g", ["d", "i"], ["y"], l => l.Gather = new GatherLayerParams()), data, T([1], 3)));
    }

    [Fact]
    public void Comparisons_logic_and_reductions()
    {
        var x = T([2, 3], 1, 5, 3, 4, 2, 6);
        Assert.Equal(new float[] { 0, 1, 0, 1, 0, 1 }, One(L("g", ["x"], ["y"], l => l.GreaterThan = new GreaterThanLayerParams { Alpha = 3 }), x).Data);
        Assert.Equal(new float[] { 1, 1, 0, 1, 1, 1 }, One(L("n", ["x", "z"], ["y"], l => l.NotEqual = new NotEqualLayerParams()), x, T([3], 0, 0, 3)).Data);
        Assert.Equal(new float[] { 0, 1 }, One(L("a", ["p", "q"], ["y"], l => l.LogicalAnd = new LogicalAndLayerParams()), T([2], 1, 1), T([2], 0, 2)).Data);
        var rowSums = One(L("r", ["x"], ["y"], l => { l.ReduceSum = new ReduceSumLayerParams(); l.ReduceSum.Axes.Add(-1); }), x);
        Assert.Equal(new[] { 2 }, rowSums.Shape);
        Assert.Equal(new float[] { 9, 12 }, rowSums.Data);
        var colMax = One(L("r", ["x"], ["y"], l => { l.ReduceMax = new ReduceMaxLayerParams { KeepDims = true }; l.ReduceMax.Axes.Add(0); }), x);
        Assert.Equal(new[] { 1, 3 }, colMax.Shape);
        Assert.Equal(new float[] { 4, 5, 6 }, colMax.Data);
        var all = One(L("r", ["x"], ["y"], l => l.ReduceMean = new ReduceMeanLayerParams { ReduceAll = true }), x);
        Assert.Equal(new[] { 1 }, all.Shape);
        Assert.Equal(new float[] { 21f / 6 }, all.Data);
    }

    [CorpusFact]
    public void Keras_lstm_while_loop_computes_what_the_lstm_layer_computes_with_the_same_weights()
    {
        var model = LoadedModel.Read(Corpus.Path("tf-lstm-nd-controlflow/model.mlmodel"));
        var inputs = RandomInputs.For(model.Spec.Description, 5);
        var output = new ModelEvaluator().Evaluate(model, inputs)["Identity"];

        // The converted Keras LSTM: x·W (1×300) + h·U (75×300) + b, split into the gates i, f, z (cell input), o.
        var layers = model.Spec.NeuralNetwork.Layers;
        var body = layers.Single(l => l.LayerCase == NeuralNetworkLayer.LayerOneofCase.Loop).Loop.BodyNetwork.Layers;
        var kernel = body.Single(l => l.Name.EndsWith("while/MatMul")).BatchedMatmul.Weights.FloatValue.ToArray();
        var recurrent = body.Single(l => l.Name.EndsWith("while/MatMul_1")).BatchedMatmul.Weights.FloatValue.ToArray();
        var bias = body.Single(l => l.Name == "Func/sequential_9/lstm_9/PartitionedCall/input/_5").LoadConstantND.Data.FloatValue.ToArray();
        const int h = 75;
        WeightParams Input(int gate) => W(Enumerable.Range(0, h).Select(o => kernel[gate * h + o]).ToArray());
        WeightParams Recursion(int gate) => W(Enumerable.Range(0, h * h).Select(k => recurrent[(k % h) * 4 * h + gate * h + k / h]).ToArray());
        WeightParams Bias(int gate) => W(bias[(gate * h)..((gate + 1) * h)]);
        var lstm = new NeuralNetworkLayer
        {
            Name = "lstm",
            UniDirectionalLSTM = new UniDirectionalLSTMLayerParams
            {
                InputVectorSize = 1, OutputVectorSize = h, Params = new LSTMParams { HasBiasVectors = true },
                WeightParams = new LSTMWeightParams
                {
                    InputGateWeightMatrix = Input(0), ForgetGateWeightMatrix = Input(1), BlockInputWeightMatrix = Input(2), OutputGateWeightMatrix = Input(3),
                    InputGateRecursionMatrix = Recursion(0), ForgetGateRecursionMatrix = Recursion(1), BlockInputRecursionMatrix = Recursion(2), OutputGateRecursionMatrix = Recursion(3),
                    InputGateBiasVector = Bias(0), ForgetGateBiasVector = Bias(1), BlockInputBiasVector = Bias(2), OutputGateBiasVector = Bias(3),
                },
            },
        };
        lstm.Input.Add("seq");
        lstm.Output.Add("sequential_9/lstm_9/PartitionedCall/strided_slice_2");
        // The dense head of the model, unchanged, reads the LSTM's last output.
        var head = layers.SkipWhile(l => l.Name != "sequential_9/dense_28/BiasAdd").ToList();
        var blobs = new Dictionary<string, Tensor>(StringComparer.Ordinal) { ["seq"] = inputs["lstm_9_input"].Reshape([720, 1, 1, 1]) };
        new NeuralNetworkEvaluator().Run(head.Prepend(lstm), blobs);

        Assert.True(float.IsFinite(output.Data[0]));
        Assert.Equal(blobs["Identity"].Data[0], output.Data[0], 5);
    }
}
