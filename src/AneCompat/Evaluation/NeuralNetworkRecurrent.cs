using AneCompat.Schema;

namespace AneCompat.Evaluation;

/// <summary>
/// The NeuralNetwork recurrent layers — <c>uniDirectionalLSTM</c>, <c>biDirectionalLSTM</c>, <c>gru</c> and
/// <c>simpleRecurrent</c> — as NeuralNetwork.proto writes their equations: every gate's pre-activation clipped to
/// [−50, 50], the LSTM cell state to ±<c>cellClipThreshold</c> (50 when the file leaves it 0), peepholes, the
/// forget-gate bias of 1 and the coupled input gate (i = 1 − f) when the parameters say so.
/// <para>The input is a sequence of vectors <c>[Seq, (Batch,) C, 1, 1]</c> (rank 3 is one step); outputs keep its
/// rank with C replaced by the output size and Seq by 1 unless <c>sequenceOutput</c>. Reversed directions store
/// each step's output at the position of the input it consumed, as the bidirectional layer's documentation lays
/// out (<c>[yf_1, yb_3], [yf_2, yb_2], [yf_3, yb_1]</c>).</para>
/// </summary>
internal static class NeuralNetworkRecurrent
{
    /// <summary>Gate pre-activations are clipped to this range (NeuralNetwork.proto's <c>clip()</c>).</summary>
    private const float GateClip = 50f;

    private readonly record struct Sequence(int Steps, int Batch, int Size, int[] Shape)
    {
        public int[] OutputShape(int size, bool all)
        {
            var shape = (int[])Shape.Clone();
            shape[^3] = size;
            if (shape.Length >= 4) shape[0] = all ? Steps : 1;
            if (shape.Length == 5) shape[1] = Batch;
            return shape;
        }
    }

    private static Sequence Layout(Tensor x, ulong inputSize, string name)
    {
        if (x.Rank < 3) throw new ArgumentException($"{name}: a recurrent layer needs an input of rank ≥ 3, got [{string.Join(", ", x.Shape)}]");
        var size = x.Shape[^3];
        if (size != (int)inputSize) throw new ArgumentException($"{name}: input vectors have {size} elements, the layer {inputSize}");
        var steps = x.Rank >= 4 ? x.Shape[0] : 1;
        var batch = x.Count / Math.Max(1, steps * size);
        return new Sequence(steps, batch, size, x.Shape);
    }

    /// <summary>One gate's weights: input matrix [H, I], recursion matrix [H, H], bias [H] (zeros when absent).</summary>
    private sealed record Gate(float[] W, float[] R, float[] B)
    {
        /// <summary>clip(W·x + R·y + b (+ extra)) for one batch row.</summary>
        public void PreActivation(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> into)
        {
            int h = into.Length, i = x.Length;
            for (var o = 0; o < h; o++)
            {
                double s = B[o];
                for (var k = 0; k < i; k++) s += (double)W[o * i + k] * x[k];
                for (var k = 0; k < h; k++) s += (double)R[o * h + k] * y[k];
                into[o] = (float)s;
            }
        }

        public static Gate Read(WeightParams? w, WeightParams? r, WeightParams? b, bool hasBias, int h, int i, string what) => new(
            WeightValues.Read(w, (long)h * i, what + " input weights"),
            WeightValues.Read(r, (long)h * h, what + " recursion weights"),
            hasBias ? WeightValues.Read(b, h, what + " bias") : new float[h]);
    }

    private static float Clip(float v) => Math.Clamp(v, -GateClip, GateClip);

    private static Func<float, float> ActivationOr(IList<ActivationParams> list, int index, Func<float, float> fallback, string name) =>
        list.Count > index ? NeuralNetworkEvaluator.ScalarActivation(list[index], name) : fallback;

    private static float[] InitialState(IReadOnlyList<Tensor> inputs, int index, int count, string what)
    {
        if (inputs.Count <= index) return new float[count];
        var t = inputs[index];
        if (t.Count != count) throw new ArgumentException($"{what}: initial state has {t.Count} values, expected {count}");
        return (float[])t.Data.Clone();
    }

    // ---------------------------------------------------------------- LSTM

    private sealed class LstmDirection
    {
        public required Gate Input, Forget, Block, Output;
        public float[]? PeepInput, PeepForget, PeepOutput;
        public required Func<float, float> F, G, H;
    }

    private static LstmDirection ReadLstm(LSTMWeightParams w, LSTMParams p, IList<ActivationParams> activations, int h, int i, string name)
    {
        if (w is null) throw new ArgumentException($"{name}: LSTM weights missing");
        var d = new LstmDirection
        {
            Input = Gate.Read(w.InputGateWeightMatrix, w.InputGateRecursionMatrix, w.InputGateBiasVector, p.HasBiasVectors, h, i, name + " input gate"),
            Forget = Gate.Read(w.ForgetGateWeightMatrix, w.ForgetGateRecursionMatrix, w.ForgetGateBiasVector, p.HasBiasVectors, h, i, name + " forget gate"),
            Block = Gate.Read(w.BlockInputWeightMatrix, w.BlockInputRecursionMatrix, w.BlockInputBiasVector, p.HasBiasVectors, h, i, name + " block input"),
            Output = Gate.Read(w.OutputGateWeightMatrix, w.OutputGateRecursionMatrix, w.OutputGateBiasVector, p.HasBiasVectors, h, i, name + " output gate"),
            F = ActivationOr(activations, 0, NeuralNetworkEvaluator.Sigmoid, name),
            G = ActivationOr(activations, 1, MathF.Tanh, name),
            H = ActivationOr(activations, 2, MathF.Tanh, name),
        };
        if (p.HasPeepholeVectors)
        {
            d.PeepInput = WeightValues.Read(w.InputGatePeepholeVector, h, name + " input peephole");
            d.PeepForget = WeightValues.Read(w.ForgetGatePeepholeVector, h, name + " forget peephole");
            d.PeepOutput = WeightValues.Read(w.OutputGatePeepholeVector, h, name + " output peephole");
        }
        return d;
    }

    /// <summary>Runs one LSTM direction over the whole sequence. <paramref name="ys"/> receives each step's output
    /// at [step, batch, h]; <paramref name="y"/> and <paramref name="c"/> hold the state and end as the final state.</summary>
    private static void RunLstm(LstmDirection d, LSTMParams p, Tensor x, Sequence s, int h, bool reverse, float[] ys, float[] y, float[] c)
    {
        var cellClip = p.CellClipThreshold > 0 ? p.CellClipThreshold : 50f;
        float forgetBias = p.ForgetBias ? 1 : 0;
        float[] gi = new float[h], gf = new float[h], gz = new float[h], go = new float[h];
        for (var n = 0; n < s.Steps; n++)
        {
            var t = reverse ? s.Steps - 1 - n : n;
            for (var b = 0; b < s.Batch; b++)
            {
                var xt = x.Data.AsSpan((t * s.Batch + b) * s.Size, s.Size);
                var yb = y.AsSpan(b * h, h);
                var cb = c.AsSpan(b * h, h);
                d.Input.PreActivation(xt, yb, gi);
                d.Forget.PreActivation(xt, yb, gf);
                d.Block.PreActivation(xt, yb, gz);
                d.Output.PreActivation(xt, yb, go);
                for (var k = 0; k < h; k++)
                {
                    var f = d.F(Clip(gf[k] + (d.PeepForget?[k] ?? 0) * cb[k] + forgetBias));
                    var i = p.CoupledInputAndForgetGate ? 1 - f : d.F(Clip(gi[k] + (d.PeepInput?[k] ?? 0) * cb[k]));
                    var z = d.G(Clip(gz[k]));
                    var cell = Math.Clamp(cb[k] * f + i * z, -cellClip, cellClip);
                    var o = d.F(Clip(go[k] + (d.PeepOutput?[k] ?? 0) * cell));
                    cb[k] = cell;
                    yb[k] = d.H(cell) * o;
                }
                yb.CopyTo(ys.AsSpan((t * s.Batch + b) * h, h));
            }
        }
    }

    public static IReadOnlyList<Tensor> UniDirectionalLstm(UniDirectionalLSTMLayerParams p, IReadOnlyList<Tensor> inputs, int outputs, string name)
    {
        var x = inputs[0];
        var s = Layout(x, p.InputVectorSize, name);
        var h = (int)p.OutputVectorSize;
        var lstm = p.Params ?? new LSTMParams();
        var d = ReadLstm(p.WeightParams, lstm, p.Activations, h, s.Size, name);
        var y = InitialState(inputs, 1, s.Batch * h, name);
        var c = InitialState(inputs, 2, s.Batch * h, name);
        var ys = new float[s.Steps * s.Batch * h];
        RunLstm(d, lstm, x, s, h, p.ReverseInput, ys, y, c);
        var state = s.OutputShape(h, all: false);
        var results = new List<Tensor>
        {
            lstm.SequenceOutput ? new Tensor(s.OutputShape(h, all: true), ys) : new Tensor(state, (float[])y.Clone()),
            new(state, y), new(state, c),
        };
        return results.Take(outputs).ToList();
    }

    public static IReadOnlyList<Tensor> BiDirectionalLstm(BiDirectionalLSTMLayerParams p, IReadOnlyList<Tensor> inputs, int outputs, string name)
    {
        var x = inputs[0];
        var s = Layout(x, p.InputVectorSize, name);
        var h = (int)p.OutputVectorSize;
        var lstm = p.Params ?? new LSTMParams();
        if (p.WeightParams.Count != 2) throw new ArgumentException($"{name}: a bidirectional LSTM needs 2 weight sets, has {p.WeightParams.Count}");
        var forward = ReadLstm(p.WeightParams[0], lstm, p.ActivationsForwardLSTM, h, s.Size, name + " forward");
        var backward = ReadLstm(p.WeightParams[1], lstm, p.ActivationsBackwardLSTM, h, s.Size, name + " backward");
        var n = s.Batch * h;
        float[] yf = InitialState(inputs, 1, n, name), cf = InitialState(inputs, 2, n, name);
        float[] yb = InitialState(inputs, 3, n, name), cb = InitialState(inputs, 4, n, name);
        float[] ysf = new float[s.Steps * n], ysb = new float[s.Steps * n];
        RunLstm(forward, lstm, x, s, h, reverse: false, ysf, yf, cf);
        RunLstm(backward, lstm, x, s, h, reverse: true, ysb, yb, cb);

        // Each position holds [forward, backward] along the vector axis.
        var steps = lstm.SequenceOutput ? s.Steps : 1;
        var y = new float[steps * s.Batch * 2 * h];
        for (var t = 0; t < steps; t++)
            for (var b = 0; b < s.Batch; b++)
            {
                var to = (t * s.Batch + b) * 2 * h;
                if (lstm.SequenceOutput)
                {
                    ysf.AsSpan((t * s.Batch + b) * h, h).CopyTo(y.AsSpan(to, h));
                    ysb.AsSpan((t * s.Batch + b) * h, h).CopyTo(y.AsSpan(to + h, h));
                }
                else
                {
                    yf.AsSpan(b * h, h).CopyTo(y.AsSpan(to, h));
                    yb.AsSpan(b * h, h).CopyTo(y.AsSpan(to + h, h));
                }
            }
        var state = s.OutputShape(h, all: false);
        var results = new List<Tensor>
        {
            new(s.OutputShape(2 * h, lstm.SequenceOutput), y),
            new(state, yf), new(state, cf), new(state, yb), new(state, cb),
        };
        return results.Take(outputs).ToList();
    }

    // ---------------------------------------------------------------- GRU and simple recurrent

    public static IReadOnlyList<Tensor> Gru(GRULayerParams p, IReadOnlyList<Tensor> inputs, int outputs, string name)
    {
        var x = inputs[0];
        var s = Layout(x, p.InputVectorSize, name);
        var h = (int)p.OutputVectorSize;
        var update = Gate.Read(p.UpdateGateWeightMatrix, p.UpdateGateRecursionMatrix, p.UpdateGateBiasVector, p.HasBiasVectors, h, s.Size, name + " update gate");
        var reset = Gate.Read(p.ResetGateWeightMatrix, p.ResetGateRecursionMatrix, p.ResetGateBiasVector, p.HasBiasVectors, h, s.Size, name + " reset gate");
        var output = Gate.Read(p.OutputGateWeightMatrix, p.OutputGateRecursionMatrix, p.OutputGateBiasVector, p.HasBiasVectors, h, s.Size, name + " output gate");
        var f = ActivationOr(p.Activations, 0, NeuralNetworkEvaluator.Sigmoid, name);
        var g = ActivationOr(p.Activations, 1, MathF.Tanh, name);
        var y = InitialState(inputs, 1, s.Batch * h, name);
        var ys = new float[s.Steps * s.Batch * h];
        var gz = new float[h]; var gr = new float[h]; var go = new float[h]; var reseted = new float[h];
        for (var n = 0; n < s.Steps; n++)
        {
            var t = p.ReverseInput ? s.Steps - 1 - n : n;
            for (var b = 0; b < s.Batch; b++)
            {
                var xt = x.Data.AsSpan((t * s.Batch + b) * s.Size, s.Size);
                var yb = y.AsSpan(b * h, h);
                update.PreActivation(xt, yb, gz);
                reset.PreActivation(xt, yb, gr);
                for (var k = 0; k < h; k++) reseted[k] = yb[k] * f(Clip(gr[k]));
                output.PreActivation(xt, reseted, go);
                for (var k = 0; k < h; k++)
                {
                    var z = f(Clip(gz[k]));
                    yb[k] = (1 - z) * g(Clip(go[k])) + z * yb[k];
                }
                yb.CopyTo(ys.AsSpan((t * s.Batch + b) * h, h));
            }
        }
        return Results(s, h, p.SequenceOutput, ys, y, outputs);
    }

    public static IReadOnlyList<Tensor> SimpleRecurrent(SimpleRecurrentLayerParams p, IReadOnlyList<Tensor> inputs, int outputs, string name)
    {
        var x = inputs[0];
        var s = Layout(x, p.InputVectorSize, name);
        var h = (int)p.OutputVectorSize;
        var gate = Gate.Read(p.WeightMatrix, p.RecursionMatrix, p.BiasVector, p.HasBiasVector, h, s.Size, name);
        var f = p.Activation is { } a ? NeuralNetworkEvaluator.ScalarActivation(a, name) : throw new ArgumentException($"{name}: no activation");
        var y = InitialState(inputs, 1, s.Batch * h, name);
        var ys = new float[s.Steps * s.Batch * h];
        var pre = new float[h];
        for (var n = 0; n < s.Steps; n++)
        {
            var t = p.ReverseInput ? s.Steps - 1 - n : n;
            for (var b = 0; b < s.Batch; b++)
            {
                var yb = y.AsSpan(b * h, h);
                gate.PreActivation(x.Data.AsSpan((t * s.Batch + b) * s.Size, s.Size), yb, pre);
                for (var k = 0; k < h; k++) yb[k] = f(Clip(pre[k]));
                yb.CopyTo(ys.AsSpan((t * s.Batch + b) * h, h));
            }
        }
        return Results(s, h, p.SequenceOutput, ys, y, outputs);
    }

    private static IReadOnlyList<Tensor> Results(Sequence s, int h, bool sequenceOutput, float[] ys, float[] y, int outputs)
    {
        var state = s.OutputShape(h, all: false);
        var results = new List<Tensor>
        {
            sequenceOutput ? new Tensor(s.OutputShape(h, all: true), ys) : new Tensor(state, (float[])y.Clone()),
            new(state, y),
        };
        return results.Take(outputs).ToList();
    }
}
