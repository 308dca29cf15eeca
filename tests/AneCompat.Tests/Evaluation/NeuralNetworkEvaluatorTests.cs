using AneCompat.Building;
using AneCompat.Evaluation;
using AneCompat.Schema;
using Tensor = AneCompat.Evaluation.Tensor;

namespace AneCompat.Tests.Evaluation;

/// <summary>Each NeuralNetwork layer the evaluator covers, against values worked out by hand.</summary>
public class NeuralNetworkEvaluatorTests
{
    private static Tensor T(int[] shape, params float[] data) => new(shape, data);
    private static WeightParams W(params float[] v) { var w = new WeightParams(); w.FloatValue.AddRange(v); return w; }
    private static float[] Run(NeuralNetworkLayer layer, params Tensor[] x) => new NeuralNetworkEvaluator().Layer(layer, x).Single().Data;
    private static Tensor RunT(NeuralNetworkLayer layer, params Tensor[] x) => new NeuralNetworkEvaluator().Layer(layer, x).Single();
    private static readonly Tensor OneToNine = T([1, 1, 3, 3], 1, 2, 3, 4, 5, 6, 7, 8, 9);

    private static NeuralNetworkLayer Conv(int cout, int kc, int k, float[] weights, float[]? bias = null, int groups = 1, int dilation = 1, bool same = false)
    {
        var p = new ConvolutionLayerParams { OutputChannels = (ulong)cout, KernelChannels = (ulong)kc, NGroups = (ulong)groups, Weights = W(weights), HasBias = bias is not null };
        p.KernelSize.AddRange([(ulong)k, (ulong)k]);
        p.Stride.AddRange([1UL, 1UL]);
        p.DilationFactor.AddRange([(ulong)dilation, (ulong)dilation]);
        if (bias is not null) p.Bias = W(bias);
        if (same) p.Same = new SamePadding(); else p.Valid = new ValidPadding();
        return new NeuralNetworkLayer { Name = "conv", Convolution = p };
    }

    [Fact]
    public void Convolution_valid_with_bias() =>
        Assert.Equal(new float[] { 13, 17, 25, 29 }, Run(Conv(1, 1, 2, [1, 1, 1, 1], [1]), OneToNine));

    [Fact]
    public void Convolution_dilated_reads_every_other_pixel() =>
        Assert.Equal(new float[] { 1 + 3 + 7 + 9 }, Run(Conv(1, 1, 2, [1, 1, 1, 1], dilation: 2), OneToNine));

    [Fact]
    public void Convolution_same_padding_keeps_size_and_zero_pads()
    {
        var y = RunT(Conv(1, 1, 3, Enumerable.Repeat(1f, 9).ToArray(), same: true), OneToNine);
        Assert.Equal(new[] { 1, 1, 3, 3 }, y.Shape);
        Assert.Equal(12, y.Data[0]);   // 1+2+4+5
        Assert.Equal(45, y.Data[4]);   // all nine
        Assert.Equal(28, y.Data[8]);   // 5+6+8+9
    }

    [Fact]
    public void Grouped_convolution_keeps_groups_apart() =>
        Assert.Equal(new float[] { 20, 300 }, Run(Conv(2, 1, 1, [10, 100], groups: 2), T([1, 2, 1, 1], 2, 3)));

    [Fact]
    public void Float16_weights_are_decoded_little_endian()
    {
        var layer = Conv(1, 1, 1, [0]);
        layer.Convolution.Weights = new WeightParams { Float16Value = Google.Protobuf.ByteString.CopyFrom(WeightFill.ToFloat16Bytes(new float[] { 0.5f })) };
        Assert.Equal(new float[] { 1.5f }, Run(layer, T([1, 1, 1, 1], 3)));
    }

    private static NeuralNetworkLayer Pool(PoolingLayerParams.Types.PoolingType type, bool global = false)
    {
        var p = new PoolingLayerParams { Type = type, GlobalPooling = global, Valid = new ValidPadding() };
        p.KernelSize.AddRange([2UL, 2UL]);
        p.Stride.AddRange([2UL, 2UL]);
        return new NeuralNetworkLayer { Name = "pool", Pooling = p };
    }

    [Fact]
    public void Max_average_and_global_pooling()
    {
        var x = T([1, 1, 4, 4], Enumerable.Range(1, 16).Select(i => (float)i).ToArray());
        Assert.Equal(new float[] { 6, 8, 14, 16 }, Run(Pool(PoolingLayerParams.Types.PoolingType.Max), x));
        Assert.Equal(new float[] { 3.5f, 5.5f, 11.5f, 13.5f }, Run(Pool(PoolingLayerParams.Types.PoolingType.Average), x));
        Assert.Equal(new float[] { 5 }, Run(Pool(PoolingLayerParams.Types.PoolingType.Average, global: true), OneToNine));
    }

    [Fact]
    public void Inner_product_with_bias()
    {
        var layer = new NeuralNetworkLayer { InnerProduct = new InnerProductLayerParams { InputChannels = 2, OutputChannels = 2, HasBias = true, Weights = W(1, 2, 3, 4), Bias = W(0.5f, -1) } };
        var y = RunT(layer, T([1, 2, 1, 1], 1, 2));
        Assert.Equal(new float[] { 5.5f, 10 }, y.Data);
        Assert.Equal(new[] { 1, 2, 1, 1 }, y.Shape);
    }

    [Fact]
    public void Batchnorm_uses_mean_variance_gamma_beta()
    {
        var layer = new NeuralNetworkLayer { Batchnorm = new BatchnormLayerParams { Channels = 2, Epsilon = 0, Gamma = W(2, 1), Beta = W(0, 1), Mean = W(1, 1), Variance = W(4, 1) } };
        Assert.Equal(new float[] { 0, 3 }, Run(layer, T([1, 2, 1, 1], 1, 3)));
    }

    [Fact]
    public void Softmax_runs_over_channels()
    {
        var y = Run(new NeuralNetworkLayer { Softmax = new SoftmaxLayerParams() }, T([1, 2, 1, 1], 0, MathF.Log(3)));
        Assert.Equal(0.25f, y[0], 6);
        Assert.Equal(0.75f, y[1], 6);
    }

    [Fact]
    public void Activations()
    {
        var x = T([1, 2, 1, 1], -1, 2);
        NeuralNetworkLayer A(ActivationParams p) => new() { Activation = p };
        Assert.Equal(new float[] { 0, 2 }, Run(A(new ActivationParams { ReLU = new ActivationReLU() }), x));
        Assert.Equal(new float[] { -0.1f, 2 }, Run(A(new ActivationParams { LeakyReLU = new ActivationLeakyReLU { Alpha = 0.1f } }), x));
        Assert.Equal(new float[] { -1, 5 }, Run(A(new ActivationParams { Linear = new ActivationLinear { Alpha = 2, Beta = 1 } }), x));
        Assert.Equal(0.5f, Run(A(new ActivationParams { Sigmoid = new ActivationSigmoid() }), T([1], 0))[0]);
        Assert.Equal(MathF.Tanh(2), Run(A(new ActivationParams { Tanh = new ActivationTanh() }), x)[1]);
    }

    [Fact]
    public void Scale_and_bias_layers_broadcast_per_channel()
    {
        var scale = new ScaleLayerParams { Scale = W(3, 4), HasBias = true, Bias = W(1, 1) };
        scale.ShapeScale.Add(2); scale.ShapeBias.Add(2);
        Assert.Equal(new float[] { 4, 9 }, Run(new NeuralNetworkLayer { Scale = scale }, T([1, 2, 1, 1], 1, 2)));
        var bias = new BiasLayerParams { Bias = W(5) };
        bias.Shape.Add(1);
        Assert.Equal(new float[] { 6, 7 }, Run(new NeuralNetworkLayer { Bias = bias }, T([1, 2, 1, 1], 1, 2)));
    }

    [Fact]
    public void Legacy_add_multiply_and_single_input_alpha()
    {
        var a = T([1, 2, 1, 1], 1, 2);
        var b = T([1, 1, 1, 1], 10);
        Assert.Equal(new float[] { 11, 12 }, Run(new NeuralNetworkLayer { Add = new AddLayerParams() }, a, b));
        Assert.Equal(new float[] { 10, 20 }, Run(new NeuralNetworkLayer { Multiply = new MultiplyLayerParams() }, a, b));
        Assert.Equal(new float[] { 4, 5 }, Run(new NeuralNetworkLayer { Add = new AddLayerParams { Alpha = 3 } }, a));
    }

    [Fact]
    public void Broadcastable_elementwise_respects_operand_order()
    {
        var a = T([2, 1], 1, 2);
        var b = T([1, 3], 10, 20, 30);
        Assert.Equal(new float[] { 11, 21, 31, 12, 22, 32 }, Run(new NeuralNetworkLayer { AddBroadcastable = new AddBroadcastableLayerParams() }, a, b));
        Assert.Equal(new float[] { -9, -19, -29, -8, -18, -28 }, Run(new NeuralNetworkLayer { SubtractBroadcastable = new SubtractBroadcastableLayerParams() }, a, b));
        Assert.Equal(new float[] { 0.1f, 0.05f, 1 / 30f, 0.2f, 0.1f, 2 / 30f }, Run(new NeuralNetworkLayer { DivideBroadcastable = new DivideBroadcastableLayerParams() }, a, b));
        Assert.Equal(new float[] { 10, 20, 30, 20, 40, 60 }, Run(new NeuralNetworkLayer { MultiplyBroadcastable = new MultiplyBroadcastableLayerParams() }, a, b));
        Assert.Equal(new float[] { 1, 2 }, Run(new NeuralNetworkLayer { MinBroadcastable = new MinBroadcastableLayerParams() }, a, T([1], 5)));
        Assert.Equal(new float[] { 5, 5 }, Run(new NeuralNetworkLayer { MaxBroadcastable = new MaxBroadcastableLayerParams() }, a, T([1], 5)));
    }

    [Fact]
    public void Concat_and_split_on_channels_and_nd_axes()
    {
        var a = T([1, 1, 1, 2], 1, 2);
        var b = T([1, 2, 1, 2], 3, 4, 5, 6);
        var c = RunT(new NeuralNetworkLayer { Concat = new ConcatLayerParams() }, a, b);
        Assert.Equal(new[] { 1, 3, 1, 2 }, c.Shape);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, c.Data);

        var split = new NeuralNetworkLayer { Split = new SplitLayerParams { NOutputs = 2 } };
        split.Output.AddRange(["p", "q"]);
        var parts = new NeuralNetworkEvaluator().Layer(split, [T([1, 4, 1, 1], 0, 1, 2, 3)]);
        Assert.Equal(new float[] { 0, 1 }, parts[0].Data);
        Assert.Equal(new float[] { 2, 3 }, parts[1].Data);

        var nd = RunT(new NeuralNetworkLayer { ConcatND = new ConcatNDLayerParams { Axis = -1 } }, T([2, 1], 1, 2), T([2, 1], 3, 4));
        Assert.Equal(new float[] { 1, 3, 2, 4 }, nd.Data);
        var splitNd = new NeuralNetworkLayer { SplitND = new SplitNDLayerParams { Axis = 1 } };
        splitNd.SplitND.SplitSizes.AddRange([1UL, 2UL]);
        splitNd.Output.AddRange(["p", "q"]);
        var s = new NeuralNetworkEvaluator().Layer(splitNd, [T([1, 3], 7, 8, 9)]);
        Assert.Equal(new float[] { 7 }, s[0].Data);
        Assert.Equal(new float[] { 8, 9 }, s[1].Data);
    }

    [Fact]
    public void Flatten_channel_first_and_channel_last()
    {
        var x = T([1, 2, 1, 2], 1, 2, 3, 4);
        Assert.Equal(new float[] { 1, 2, 3, 4 }, Run(new NeuralNetworkLayer { Flatten = new FlattenLayerParams() }, x));
        var last = RunT(new NeuralNetworkLayer { Flatten = new FlattenLayerParams { Mode = FlattenLayerParams.Types.FlattenOrder.ChannelLast } }, x);
        Assert.Equal(new float[] { 1, 3, 2, 4 }, last.Data);
        Assert.Equal(new[] { 1, 4, 1, 1 }, last.Shape);
    }

    [Fact]
    public void Permute_transpose_and_reshape_static()
    {
        var permute = new PermuteLayerParams();
        permute.Axis.AddRange([0UL, 3UL, 2UL, 1UL]);
        var p = RunT(new NeuralNetworkLayer { Permute = permute }, T([1, 2, 1, 3], 1, 2, 3, 4, 5, 6));
        Assert.Equal(new[] { 1, 3, 1, 2 }, p.Shape);
        Assert.Equal(new float[] { 1, 4, 2, 5, 3, 6 }, p.Data);

        var transpose = new TransposeLayerParams();
        transpose.Axes.AddRange([1UL, 0UL]);
        Assert.Equal(new float[] { 1, 4, 2, 5, 3, 6 }, Run(new NeuralNetworkLayer { Transpose = transpose }, T([2, 3], 1, 2, 3, 4, 5, 6)));

        var reshape = new ReshapeStaticLayerParams();
        reshape.TargetShape.AddRange([3L, -1L]);
        Assert.Equal(new[] { 3, 2 }, RunT(new NeuralNetworkLayer { ReshapeStatic = reshape }, T([2, 3], 1, 2, 3, 4, 5, 6)).Shape);
    }

    [Fact]
    public void Batched_matmul_with_two_inputs_and_with_weights()
    {
        Assert.Equal(new float[] { 5, 11 }, Run(new NeuralNetworkLayer { BatchedMatmul = new BatchedMatMulLayerParams() }, T([2, 2], 1, 2, 3, 4), T([2, 1], 1, 2)));
        var p = new BatchedMatMulLayerParams { WeightMatrixFirstDimension = 2, WeightMatrixSecondDimension = 1, Weights = W(1, 2), HasBias = true, Bias = W(100) };
        Assert.Equal(new float[] { 105, 111 }, Run(new NeuralNetworkLayer { BatchedMatmul = p }, T([2, 2], 1, 2, 3, 4)));
    }

    [Fact]
    public void Fp16_mode_rounds_after_each_layer()
    {
        var add = new NeuralNetworkLayer { Name = "add", Add = new AddLayerParams { Alpha = 1e-4f } };
        add.Input.Add("x"); add.Output.Add("y");
        var fp32 = new Dictionary<string, Tensor> { ["x"] = T([1], 1) };
        new NeuralNetworkEvaluator().Run([add], fp32);
        Assert.Equal(1.0001f, fp32["y"].Data[0]);
        var fp16 = new Dictionary<string, Tensor> { ["x"] = T([1], 1) };
        new NeuralNetworkEvaluator(new EvaluationOptions { Precision = Precision.Float16 }).Run([add], fp16);
        Assert.Equal(1f, fp16["y"].Data[0]);   // 1e-4 is below half an fp16 ulp at 1 (2^-11)
    }

    [Fact]
    public void Uncovered_layers_say_so_and_custom_layers_use_the_given_kernel()
    {
        var lrn = new NeuralNetworkLayer { Name = "n", Lrn = new LRNLayerParams { LocalSize = 3, Alpha = 1, Beta = 0.75f, K = 1 } };
        var e = Assert.Throws<NotCoveredException>(() => new NeuralNetworkEvaluator().Layer(lrn, [T([1, 1, 1, 1], 1)]));
        Assert.Equal("not covered: lrn", e.Message);

        var custom = new NeuralNetworkLayer { Custom = new CustomLayerParams { ClassName = "Double" } };
        Assert.Equal("not covered: custom (Double)", Assert.Throws<NotCoveredException>(() => new NeuralNetworkEvaluator().Layer(custom, [T([1], 1)])).Message);
        var options = new EvaluationOptions { CustomLayers = new Dictionary<string, CustomLayerKernel> { ["Double"] = x => [TensorMath.Map(x[0], v => 2 * v)] } };
        Assert.Equal(new float[] { 6 }, new NeuralNetworkEvaluator(options).Layer(custom, [T([1], 3)]).Single().Data);
    }
}
