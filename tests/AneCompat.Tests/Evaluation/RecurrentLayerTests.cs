using AneCompat.Evaluation;
using AneCompat.Schema;
using Tensor = AneCompat.Evaluation.Tensor;

namespace AneCompat.Tests.Evaluation;

/// <summary>
/// The recurrent NeuralNetwork layers on one-unit networks whose every step can be worked out by hand from the
/// equations in NeuralNetwork.proto (expected values are those equations written out, step by step).
/// </summary>
public class RecurrentLayerTests
{
    private static WeightParams W(params float[] v) { var w = new WeightParams(); w.FloatValue.AddRange(v); return w; }
    private static float Sig(double v) => (float)(1 / (1 + Math.Exp(-v)));
    private static float Tanh(double v) => (float)Math.Tanh(v);

    /// <summary>A sequence of scalars as the layers take it: [Seq, C=1, 1, 1].</summary>
    private static Tensor Seq(params float[] x) => new([x.Length, 1, 1, 1], x);

    private static IReadOnlyList<Tensor> Run(NeuralNetworkLayer layer, params Tensor[] x) => new NeuralNetworkEvaluator().Layer(layer, x);

    /// <summary>One-unit LSTM: input weights (i, f, z, o), recursion weights (i, f, z, o), biases (i, f, z, o).</summary>
    private static NeuralNetworkLayer Lstm(float[] w, float[] r, float[]? b = null, LSTMParams? p = null, bool reverse = false, int outputs = 3)
    {
        var weights = new LSTMWeightParams
        {
            InputGateWeightMatrix = W(w[0]), ForgetGateWeightMatrix = W(w[1]), BlockInputWeightMatrix = W(w[2]), OutputGateWeightMatrix = W(w[3]),
            InputGateRecursionMatrix = W(r[0]), ForgetGateRecursionMatrix = W(r[1]), BlockInputRecursionMatrix = W(r[2]), OutputGateRecursionMatrix = W(r[3]),
        };
        p ??= new LSTMParams();
        if (b is not null)
        {
            p.HasBiasVectors = true;
            weights.InputGateBiasVector = W(b[0]); weights.ForgetGateBiasVector = W(b[1]); weights.BlockInputBiasVector = W(b[2]); weights.OutputGateBiasVector = W(b[3]);
        }
        var layer = new NeuralNetworkLayer
        {
            Name = "lstm",
            UniDirectionalLSTM = new UniDirectionalLSTMLayerParams { InputVectorSize = 1, OutputVectorSize = 1, Params = p, WeightParams = weights, ReverseInput = reverse },
        };
        layer.Input.Add("x");
        for (var i = 0; i < outputs; i++) layer.Output.Add($"o{i}");
        return layer;
    }

    /// <summary>The LSTM equations for one unit, written out: returns (y, c) after each input.</summary>
    private static List<(float Y, float C)> LstmByHand(float[] xs, float[] w, float[] r, float[] b, float forgetBias = 0, bool coupled = false, float clip = 50)
    {
        float y = 0, c = 0;
        var result = new List<(float, float)>();
        foreach (var x in xs)
        {
            var f = Sig(w[1] * x + r[1] * y + b[1] + forgetBias);
            var i = coupled ? 1 - f : Sig(w[0] * x + r[0] * y + b[0]);
            var z = Tanh(w[2] * x + r[2] * y + b[2]);
            c = Math.Clamp(c * f + i * z, -clip, clip);
            var o = Sig(w[3] * x + r[3] * y + b[3]);
            y = Tanh(c) * o;
            result.Add((y, c));
        }
        return result;
    }

    private static readonly float[] Wx = [0.5f, -0.25f, 1f, 0.75f];
    private static readonly float[] Rx = [0.3f, 0.2f, -0.6f, 0.1f];
    private static readonly float[] Bx = [0.1f, 0.2f, -0.1f, 0.05f];

    [Fact]
    public void Unidirectional_lstm_matches_the_equations_step_by_step_with_recursion_and_biases()
    {
        float[] xs = [1, -2, 0.5f];
        var expected = LstmByHand(xs, Wx, Rx, Bx);
        var p = new LSTMParams { SequenceOutput = true };
        var y = Run(Lstm(Wx, Rx, Bx, p), Seq(xs));
        Assert.Equal(new[] { 3, 1, 1, 1 }, y[0].Shape);
        for (var t = 0; t < 3; t++) Assert.Equal(expected[t].Y, y[0].Data[t], 6);
        // The state outputs are the last step's, one step long.
        Assert.Equal(new[] { 1, 1, 1, 1 }, y[1].Shape);
        Assert.Equal(expected[2].Y, y[1].Data[0], 6);
        Assert.Equal(expected[2].C, y[2].Data[0], 6);
    }

    [Fact]
    public void Without_sequence_output_only_the_last_step_is_returned_and_initial_states_are_read()
    {
        float[] xs = [0.25f, 1];
        // Start from y0 = 0.5, c0 = -1: the first step of the hand computation sees them.
        var layer = Lstm(Wx, Rx, Bx);
        var y = Run(layer, Seq(xs), new Tensor([1, 1, 1, 1], [0.5f]), new Tensor([1, 1, 1, 1], [-1f]));
        float yy = 0.5f, c = -1;
        foreach (var x in xs)
        {
            var f = Sig(Wx[1] * x + Rx[1] * yy + Bx[1]);
            var i = Sig(Wx[0] * x + Rx[0] * yy + Bx[0]);
            var z = Tanh(Wx[2] * x + Rx[2] * yy + Bx[2]);
            c = c * f + i * z;
            yy = Tanh(c) * Sig(Wx[3] * x + Rx[3] * yy + Bx[3]);
        }
        Assert.Equal(new[] { 1, 1, 1, 1 }, y[0].Shape);
        Assert.Equal(yy, y[0].Data[0], 6);
        Assert.Equal(c, y[2].Data[0], 6);
    }

    [Fact]
    public void Forget_bias_coupled_gate_and_cell_clip_change_the_result_as_the_format_says()
    {
        float[] xs = [2, 2, 2];
        float[] w = [1, 1, 3, 1], r = [0, 0, 0, 0], b = [0, 0, 0, 0];
        var plain = Run(Lstm(w, r, b, new LSTMParams()), Seq(xs))[2].Data[0];
        var forget = Run(Lstm(w, r, b, new LSTMParams { ForgetBias = true }), Seq(xs))[2].Data[0];
        var coupled = Run(Lstm(w, r, b, new LSTMParams { CoupledInputAndForgetGate = true }), Seq(xs))[2].Data[0];
        var clipped = Run(Lstm(w, r, b, new LSTMParams { CellClipThreshold = 0.5f }), Seq(xs))[2].Data[0];
        Assert.Equal(LstmByHand(xs, w, r, b)[^1].C, plain, 6);
        Assert.Equal(LstmByHand(xs, w, r, b, forgetBias: 1)[^1].C, forget, 6);
        Assert.Equal(LstmByHand(xs, w, r, b, coupled: true)[^1].C, coupled, 6);
        Assert.Equal(0.5f, clipped);
        Assert.True(forget > plain, "a forget bias of 1 keeps more of the cell");
    }

    [Fact]
    public void Peepholes_feed_the_cell_into_the_gates()
    {
        var p = new LSTMParams { HasPeepholeVectors = true };
        var layer = Lstm([0, 0, 1, 0], [0, 0, 0, 0], p: p);
        var weights = layer.UniDirectionalLSTM.WeightParams;
        weights.InputGatePeepholeVector = W(2); weights.ForgetGatePeepholeVector = W(-1); weights.OutputGatePeepholeVector = W(3);
        var y = Run(layer, Seq(1, 1));
        float c = 0, yy = 0;
        for (var t = 0; t < 2; t++)
        {
            var i = Sig(2 * c); var f = Sig(-1 * c); var z = Tanh(1);
            c = c * f + i * z;
            yy = Tanh(c) * Sig(3 * c);
        }
        Assert.Equal(yy, y[0].Data[0], 6);
        Assert.Equal(c, y[2].Data[0], 6);
    }

    [Fact]
    public void Reversed_input_is_consumed_last_to_first_and_stored_at_each_inputs_position()
    {
        float[] xs = [1, -2, 0.5f];
        var y = Run(Lstm(Wx, Rx, Bx, new LSTMParams { SequenceOutput = true }, reverse: true), Seq(xs))[0];
        var backward = LstmByHand([0.5f, -2, 1], Wx, Rx, Bx);
        Assert.Equal(backward[2].Y, y.Data[0], 6);
        Assert.Equal(backward[1].Y, y.Data[1], 6);
        Assert.Equal(backward[0].Y, y.Data[2], 6);
    }

    [Fact]
    public void Bidirectional_lstm_concatenates_forward_and_backward_per_position()
    {
        float[] xs = [1, -2, 0.5f];
        float[] wb = [-0.5f, 0.25f, 0.5f, 1], rb = [0.1f, -0.3f, 0.4f, 0.2f];
        LSTMWeightParams Weights(float[] w, float[] r) => new()
        {
            InputGateWeightMatrix = W(w[0]), ForgetGateWeightMatrix = W(w[1]), BlockInputWeightMatrix = W(w[2]), OutputGateWeightMatrix = W(w[3]),
            InputGateRecursionMatrix = W(r[0]), ForgetGateRecursionMatrix = W(r[1]), BlockInputRecursionMatrix = W(r[2]), OutputGateRecursionMatrix = W(r[3]),
        };
        var p = new BiDirectionalLSTMLayerParams { InputVectorSize = 1, OutputVectorSize = 1, Params = new LSTMParams { SequenceOutput = true } };
        p.WeightParams.Add(Weights(Wx, Rx));
        p.WeightParams.Add(Weights(wb, rb));
        var layer = new NeuralNetworkLayer { Name = "bilstm", BiDirectionalLSTM = p };
        layer.Output.AddRange(["y", "hf", "cf", "hb", "cb"]);
        var y = Run(layer, Seq(xs));
        var forward = LstmByHand(xs, Wx, Rx, [0, 0, 0, 0]);
        var backward = LstmByHand([0.5f, -2, 1], wb, rb, [0, 0, 0, 0]);
        Assert.Equal(new[] { 3, 2, 1, 1 }, y[0].Shape);
        // Position 1 holds [yf_1, yb_3]: the forward output after x1, the backward one after x3, x2, x1.
        float[] expected = [forward[0].Y, backward[2].Y, forward[1].Y, backward[1].Y, forward[2].Y, backward[0].Y];
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], y[0].Data[i], 6);
        Assert.Equal(forward[2].C, y[2].Data[0], 6);
        Assert.Equal(backward[2].Y, y[3].Data[0], 6);
    }

    [Fact]
    public void Gru_matches_its_equations_with_the_reset_gate_applied_to_the_previous_output()
    {
        var p = new GRULayerParams
        {
            InputVectorSize = 1, OutputVectorSize = 1, SequenceOutput = true, HasBiasVectors = true,
            UpdateGateWeightMatrix = W(0.5f), ResetGateWeightMatrix = W(-1), OutputGateWeightMatrix = W(2),
            UpdateGateRecursionMatrix = W(0.25f), ResetGateRecursionMatrix = W(0.5f), OutputGateRecursionMatrix = W(-0.75f),
            UpdateGateBiasVector = W(0.1f), ResetGateBiasVector = W(0), OutputGateBiasVector = W(-0.2f),
        };
        var layer = new NeuralNetworkLayer { Name = "gru", Gru = p };
        layer.Output.AddRange(["y", "h"]);
        float[] xs = [1, 0.5f, -1];
        var y = Run(layer, Seq(xs));
        float h = 0;
        var expected = new List<float>();
        foreach (var x in xs)
        {
            var z = Sig(0.5 * x + 0.25 * h + 0.1);
            var rr = Sig(-1 * x + 0.5 * h);
            var o = Tanh(2 * x - 0.75 * (h * rr) - 0.2);
            h = (1 - z) * o + z * h;
            expected.Add(h);
        }
        for (var t = 0; t < 3; t++) Assert.Equal(expected[t], y[0].Data[t], 6);
        Assert.Equal(expected[2], y[1].Data[0], 6);
    }

    [Fact]
    public void Simple_recurrent_layer_with_a_linear_activation_and_the_clip_at_fifty()
    {
        var p = new SimpleRecurrentLayerParams
        {
            InputVectorSize = 1, OutputVectorSize = 1, SequenceOutput = true,
            Activation = new ActivationParams { Linear = new ActivationLinear { Alpha = 1 } },
            WeightMatrix = W(1), RecursionMatrix = W(0.5f),
        };
        var layer = new NeuralNetworkLayer { Name = "rnn", SimpleRecurrent = p };
        layer.Output.Add("y");
        // y1 = 1, y2 = 2 + 0.5·1 = 2.5, y3 = 3 + 0.5·2.5 = 4.25, y4 = clip(100 + 2.125) = 50.
        Assert.Equal(new float[] { 1, 2.5f, 4.25f, 50 }, Run(layer, Seq(1, 2, 3, 100))[0].Data);
    }

    [Fact]
    public void A_gate_activation_the_evaluator_lacks_is_reported_not_covered()
    {
        var layer = Lstm(Wx, Rx);
        layer.UniDirectionalLSTM.Activations.Add(new ActivationParams { PReLU = new ActivationPReLU { Alpha = W(0.1f) } });
        Assert.Equal("not covered: activation (PReLU)", Assert.Throws<NotCoveredException>(() => Run(layer, Seq(1))).Message);
    }
}
