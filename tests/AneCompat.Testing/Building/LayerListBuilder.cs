using AneCompat.Schema;

namespace AneCompat.Building;

/// <summary>
/// Appends NeuralNetwork layers (formats.md §a.7–a.9) fluently. Convenience methods cover the common layer types
/// with deterministic weights of the right size; <see cref="Layer(string, IEnumerable{string}, IEnumerable{string}, Action{NeuralNetworkLayer})"/>
/// builds any of the layer types by setting its parameters directly. Shared by the model builder and by the nested
/// networks of branch and loop layers.
/// </summary>
public abstract class LayerListBuilder<TSelf> where TSelf : LayerListBuilder<TSelf>
{
    protected List<NeuralNetworkLayer> Layers { get; } = new();

    private TSelf Self => (TSelf)this;

    /// <summary>Any layer: name and wiring here, parameters (the <c>layer</c> oneof) set by <paramref name="configure"/>.</summary>
    public TSelf Layer(string name, IEnumerable<string> inputs, IEnumerable<string> outputs, Action<NeuralNetworkLayer> configure)
    {
        var layer = new NeuralNetworkLayer { Name = name };
        layer.Input.AddRange(inputs);
        layer.Output.AddRange(outputs);
        configure(layer);
        Layers.Add(layer);
        return Self;
    }

    public TSelf Layer(string name, string input, string output, Action<NeuralNetworkLayer> configure) =>
        Layer(name, [input], [output], configure);

    /// <summary>
    /// A 2-D convolution. Weights have shape [outputChannels, kernelChannels, kH, kW], or for a deconvolution
    /// [kernelChannels, outputChannels / groups, kH, kW]. With <paramref name="weightsInput"/> the weights come from a
    /// second input instead (spec ≥ 4) and none are stored.
    /// </summary>
    public TSelf Convolution(string name, string input, string output, ulong outputChannels, ulong kernelChannels,
        ulong kernelHeight = 3, ulong kernelWidth = 3, ulong strideHeight = 1, ulong strideWidth = 1,
        ulong dilationHeight = 1, ulong dilationWidth = 1, ulong groups = 1, ConvPadding? padding = null,
        bool deconvolution = false, bool hasBias = true, WeightPrecision precision = WeightPrecision.Float32,
        IReadOnlyList<ulong>? outputShape = null, string? weightsInput = null)
    {
        var p = new ConvolutionLayerParams
        {
            OutputChannels = outputChannels, KernelChannels = kernelChannels, NGroups = groups,
            IsDeconvolution = deconvolution, HasBias = hasBias,
        };
        p.KernelSize.Add([kernelHeight, kernelWidth]);
        p.Stride.Add([strideHeight, strideWidth]);
        p.DilationFactor.Add([dilationHeight, dilationWidth]);
        var pad = padding ?? ConvPadding.Valid;
        if (pad.IsSame) p.Same = new SamePadding();
        else p.Valid = new ValidPadding { PaddingAmounts = pad.HasAmounts ? Borders(pad) : null };
        if (outputShape is not null) p.OutputShape.Add(outputShape);
        var count = deconvolution
            ? checked((long)(kernelChannels * (outputChannels / Math.Max(groups, 1)) * kernelHeight * kernelWidth))
            : checked((long)(outputChannels * kernelChannels * kernelHeight * kernelWidth));
        if (weightsInput is null) p.Weights = WeightFill.Weights(count, name + ".weights", precision);
        if (hasBias) p.Bias = WeightFill.Weights((long)outputChannels, name + ".bias", precision);
        var inputs = weightsInput is null ? new[] { input } : new[] { input, weightsInput };
        return Layer(name, inputs, [output], l => l.Convolution = p);
    }

    public TSelf Pooling(string name, string input, string output,
        PoolingLayerParams.Types.PoolingType type = PoolingLayerParams.Types.PoolingType.Max,
        ulong kernelHeight = 2, ulong kernelWidth = 2, ulong strideHeight = 2, ulong strideWidth = 2,
        ConvPadding? padding = null, bool excludePadding = false)
    {
        var p = new PoolingLayerParams { Type = type, AvgPoolExcludePadding = excludePadding };
        p.KernelSize.Add([kernelHeight, kernelWidth]);
        p.Stride.Add([strideHeight, strideWidth]);
        var pad = padding ?? ConvPadding.Valid;
        if (pad.IsSame) p.Same = new SamePadding();
        else p.Valid = new ValidPadding { PaddingAmounts = pad.HasAmounts ? Borders(pad) : null };
        return Layer(name, input, output, l => l.Pooling = p);
    }

    /// <summary>Pooling over the whole spatial extent (kernel and stride are ignored by Core ML; written as 1×1).</summary>
    public TSelf GlobalPooling(string name, string input, string output,
        PoolingLayerParams.Types.PoolingType type = PoolingLayerParams.Types.PoolingType.Average)
    {
        var p = new PoolingLayerParams { Type = type, GlobalPooling = true, Valid = new ValidPadding() };
        p.KernelSize.Add([1UL, 1UL]);
        p.Stride.Add([1UL, 1UL]);
        return Layer(name, input, output, l => l.Pooling = p);
    }

    /// <summary>An activation; <paramref name="channels"/> sizes the per-channel parameters of PReLU and parametric softplus.</summary>
    public TSelf Activation(string name, string input, string output, ActivationKind kind,
        float alpha = 0.01f, float beta = 0f, ulong channels = 1)
    {
        var a = new ActivationParams();
        switch (kind)
        {
            case ActivationKind.Linear: a.Linear = new ActivationLinear { Alpha = alpha, Beta = beta }; break;
            case ActivationKind.ReLU: a.ReLU = new ActivationReLU(); break;
            case ActivationKind.LeakyReLU: a.LeakyReLU = new ActivationLeakyReLU { Alpha = alpha }; break;
            case ActivationKind.ThresholdedReLU: a.ThresholdedReLU = new ActivationThresholdedReLU { Alpha = alpha }; break;
            case ActivationKind.PReLU: a.PReLU = new ActivationPReLU { Alpha = WeightFill.Weights((long)channels, name + ".alpha") }; break;
            case ActivationKind.Tanh: a.Tanh = new ActivationTanh(); break;
            case ActivationKind.ScaledTanh: a.ScaledTanh = new ActivationScaledTanh { Alpha = alpha, Beta = beta }; break;
            case ActivationKind.Sigmoid: a.Sigmoid = new ActivationSigmoid(); break;
            case ActivationKind.SigmoidHard: a.SigmoidHard = new ActivationSigmoidHard { Alpha = alpha, Beta = beta }; break;
            case ActivationKind.ELU: a.ELU = new ActivationELU { Alpha = alpha }; break;
            case ActivationKind.Softsign: a.Softsign = new ActivationSoftsign(); break;
            case ActivationKind.Softplus: a.Softplus = new ActivationSoftplus(); break;
            case ActivationKind.ParametricSoftplus:
                a.ParametricSoftplus = new ActivationParametricSoftplus
                {
                    Alpha = WeightFill.Weights((long)channels, name + ".alpha"),
                    Beta = WeightFill.Weights((long)channels, name + ".beta"),
                };
                break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown activation");
        }
        return Layer(name, input, output, l => l.Activation = a);
    }

    public TSelf ReLU(string name, string input, string output) => Activation(name, input, output, ActivationKind.ReLU);

    /// <summary>A fully connected layer; weights [outputChannels, inputChannels].</summary>
    public TSelf InnerProduct(string name, string input, string output, ulong inputChannels, ulong outputChannels,
        bool hasBias = true, WeightPrecision precision = WeightPrecision.Float32)
    {
        var p = new InnerProductLayerParams
        {
            InputChannels = inputChannels, OutputChannels = outputChannels, HasBias = hasBias,
            Weights = WeightFill.Weights(checked((long)(inputChannels * outputChannels)), name + ".weights", precision),
        };
        if (hasBias) p.Bias = WeightFill.Weights((long)outputChannels, name + ".bias", precision);
        return Layer(name, input, output, l => l.InnerProduct = p);
    }

    /// <summary>Batch normalisation with per-channel gamma, beta, mean and a positive variance.</summary>
    public TSelf Batchnorm(string name, string input, string output, ulong channels, float epsilon = 1e-5f,
        bool computeMeanVar = false, bool instanceNormalization = false)
    {
        var variance = WeightFill.Weights((long)channels, name + ".variance");
        for (var i = 0; i < variance.FloatValue.Count; i++) variance.FloatValue[i] = 1f + Math.Abs(variance.FloatValue[i]);
        var p = new BatchnormLayerParams
        {
            Channels = channels, Epsilon = epsilon, ComputeMeanVar = computeMeanVar,
            InstanceNormalization = instanceNormalization,
            Gamma = WeightFill.Weights((long)channels, name + ".gamma"),
            Beta = WeightFill.Weights((long)channels, name + ".beta"),
            Mean = WeightFill.Weights((long)channels, name + ".mean"),
            Variance = variance,
        };
        return Layer(name, input, output, l => l.Batchnorm = p);
    }

    /// <summary>Element-wise sum of the inputs (with one input: input + alpha).</summary>
    public TSelf Add(string name, IEnumerable<string> inputs, string output, float alpha = 0f) =>
        Layer(name, inputs, [output], l => l.Add = new AddLayerParams { Alpha = alpha });

    public TSelf Multiply(string name, IEnumerable<string> inputs, string output, float alpha = 0f) =>
        Layer(name, inputs, [output], l => l.Multiply = new MultiplyLayerParams { Alpha = alpha });

    public TSelf AddBroadcastable(string name, IEnumerable<string> inputs, string output) =>
        Layer(name, inputs, [output], l => l.AddBroadcastable = new AddBroadcastableLayerParams());

    public TSelf MultiplyBroadcastable(string name, IEnumerable<string> inputs, string output) =>
        Layer(name, inputs, [output], l => l.MultiplyBroadcastable = new MultiplyBroadcastableLayerParams());

    /// <summary>Channel concatenation (or along the sequence axis with <paramref name="sequenceConcat"/>).</summary>
    public TSelf Concat(string name, IEnumerable<string> inputs, string output, bool sequenceConcat = false) =>
        Layer(name, inputs, [output], l => l.Concat = new ConcatLayerParams { SequenceConcat = sequenceConcat });

    public TSelf ConcatND(string name, IEnumerable<string> inputs, string output, long axis, bool interleave = false) =>
        Layer(name, inputs, [output], l => l.ConcatND = new ConcatNDLayerParams { Axis = axis, Interleave = interleave });

    /// <summary>The rank-3/4 reshape of the original layer set.</summary>
    public TSelf Reshape(string name, string input, string output, IReadOnlyList<long> targetShape,
        ReshapeLayerParams.Types.ReshapeOrder mode = ReshapeLayerParams.Types.ReshapeOrder.ChannelFirst)
    {
        var p = new ReshapeLayerParams { Mode = mode };
        p.TargetShape.Add(targetShape);
        return Layer(name, input, output, l => l.Reshape = p);
    }

    public TSelf ReshapeStatic(string name, string input, string output, IReadOnlyList<long> targetShape)
    {
        var p = new ReshapeStaticLayerParams();
        p.TargetShape.Add(targetShape);
        return Layer(name, input, output, l => l.ReshapeStatic = p);
    }

    public TSelf Flatten(string name, string input, string output,
        FlattenLayerParams.Types.FlattenOrder mode = FlattenLayerParams.Types.FlattenOrder.ChannelFirst) =>
        Layer(name, input, output, l => l.Flatten = new FlattenLayerParams { Mode = mode });

    /// <summary>Permutes the rank-4 [Seq, C, H, W] axes; <paramref name="axes"/> has four entries.</summary>
    public TSelf Permute(string name, string input, string output, IReadOnlyList<ulong> axes)
    {
        var p = new PermuteLayerParams();
        p.Axis.Add(axes);
        return Layer(name, input, output, l => l.Permute = p);
    }

    /// <summary>Integer up-sampling (or fractional with <paramref name="fractional"/>, which needs bilinear mode).</summary>
    public TSelf Upsample(string name, string input, string output, ulong scaleHeight = 2, ulong scaleWidth = 2,
        UpsampleLayerParams.Types.InterpolationMode mode = UpsampleLayerParams.Types.InterpolationMode.Nn,
        UpsampleLayerParams.Types.LinearUpsampleMode linearMode = UpsampleLayerParams.Types.LinearUpsampleMode.Default,
        (float Height, float Width)? fractional = null)
    {
        var p = new UpsampleLayerParams { Mode = mode, LinearUpsampleMode = linearMode };
        if (fractional is { } f) p.FractionalScalingFactor.Add([f.Height, f.Width]);
        else p.ScalingFactor.Add([scaleHeight, scaleWidth]);
        return Layer(name, input, output, l => l.Upsample = p);
    }

    public TSelf Padding(string name, string input, string output, ulong top, ulong bottom, ulong left, ulong right,
        PaddingFill fill = PaddingFill.Constant, float value = 0f)
    {
        var p = new PaddingLayerParams { PaddingAmounts = Borders(new ConvPadding(false, top, bottom, left, right)) };
        switch (fill)
        {
            case PaddingFill.Constant: p.Constant = new PaddingLayerParams.Types.PaddingConstant { Value = value }; break;
            case PaddingFill.Reflection: p.Reflection = new PaddingLayerParams.Types.PaddingReflection(); break;
            case PaddingFill.Replication: p.Replication = new PaddingLayerParams.Types.PaddingReplication(); break;
        }
        return Layer(name, input, output, l => l.Padding = p);
    }

    public TSelf Softmax(string name, string input, string output) =>
        Layer(name, input, output, l => l.Softmax = new SoftmaxLayerParams());

    public TSelf SoftmaxND(string name, string input, string output, long axis = -1) =>
        Layer(name, input, output, l => l.SoftmaxND = new SoftmaxNDLayerParams { Axis = axis });

    /// <summary>A custom layer implemented by the app (class <paramref name="className"/>); never runs on the ANE.</summary>
    public TSelf Custom(string name, IEnumerable<string> inputs, IEnumerable<string> outputs, string className,
        IReadOnlyDictionary<string, CustomLayerParams.Types.CustomLayerParamValue>? parameters = null, string description = "")
    {
        var p = new CustomLayerParams { ClassName = className, Description = description };
        if (parameters is not null)
            foreach (var kv in parameters.OrderBy(kv => kv.Key, StringComparer.Ordinal)) p.Parameters.Add(kv.Key, kv.Value);
        return Layer(name, inputs, outputs, l => l.Custom = p);
    }

    /// <summary>An embedding lookup; weights [outputChannels, inputDim].</summary>
    public TSelf Embedding(string name, string input, string output, ulong inputDim, ulong outputChannels,
        bool hasBias = false, WeightPrecision precision = WeightPrecision.Float32)
    {
        var p = new EmbeddingLayerParams
        {
            InputDim = inputDim, OutputChannels = outputChannels, HasBias = hasBias,
            Weights = WeightFill.Weights(checked((long)(inputDim * outputChannels)), name + ".weights", precision),
        };
        if (hasBias) p.Bias = WeightFill.Weights((long)outputChannels, name + ".bias", precision);
        return Layer(name, input, output, l => l.Embedding = p);
    }

    /// <summary>
    /// A uni-directional LSTM. Inputs: x[, h_in, c_in]; outputs: y, h_out, c_out. Gate activations sigmoid, tanh, tanh;
    /// input weights [hidden, input] and recursion weights [hidden, hidden] per gate, biases [hidden].
    /// </summary>
    public TSelf Lstm(string name, IEnumerable<string> inputs, IEnumerable<string> outputs, ulong inputSize, ulong hiddenSize,
        bool hasBias = true, bool sequenceOutput = false, WeightPrecision precision = WeightPrecision.Float32)
    {
        var w = checked((long)(hiddenSize * inputSize));
        var r = checked((long)(hiddenSize * hiddenSize));
        var h = (long)hiddenSize;
        WeightParams W(long count, string field) => WeightFill.Weights(count, $"{name}.{field}", precision);
        var weights = new LSTMWeightParams
        {
            InputGateWeightMatrix = W(w, "Wi"), ForgetGateWeightMatrix = W(w, "Wf"),
            BlockInputWeightMatrix = W(w, "Wz"), OutputGateWeightMatrix = W(w, "Wo"),
            InputGateRecursionMatrix = W(r, "Ri"), ForgetGateRecursionMatrix = W(r, "Rf"),
            BlockInputRecursionMatrix = W(r, "Rz"), OutputGateRecursionMatrix = W(r, "Ro"),
        };
        if (hasBias)
        {
            weights.InputGateBiasVector = W(h, "bi");
            weights.ForgetGateBiasVector = W(h, "bf");
            weights.BlockInputBiasVector = W(h, "bz");
            weights.OutputGateBiasVector = W(h, "bo");
        }
        var p = new UniDirectionalLSTMLayerParams
        {
            InputVectorSize = inputSize, OutputVectorSize = hiddenSize, WeightParams = weights,
            Params = new LSTMParams { SequenceOutput = sequenceOutput, HasBiasVectors = hasBias },
        };
        p.Activations.Add(new ActivationParams { Sigmoid = new ActivationSigmoid() });
        p.Activations.Add(new ActivationParams { Tanh = new ActivationTanh() });
        p.Activations.Add(new ActivationParams { Tanh = new ActivationTanh() });
        return Layer(name, inputs, outputs, l => l.UniDirectionalLSTM = p);
    }

    /// <summary>A branch on <paramref name="condition"/> with nested networks (spec ≥ 4).</summary>
    public TSelf Branch(string name, string condition, Action<NetworkBuilder> ifBranch, Action<NetworkBuilder>? elseBranch = null)
    {
        var p = new BranchLayerParams { IfBranch = NetworkBuilder.Nested(ifBranch) };
        if (elseBranch is not null) p.ElseBranch = NetworkBuilder.Nested(elseBranch);
        return Layer(name, [condition], [], l => l.Branch = p);
    }

    /// <summary>A loop over a nested body network, bounded by <paramref name="maxIterations"/> or a condition network.</summary>
    public TSelf Loop(string name, IEnumerable<string> inputs, IEnumerable<string> outputs, Action<NetworkBuilder> body,
        ulong maxIterations = 0, Action<NetworkBuilder>? condition = null, string conditionVar = "")
    {
        var p = new LoopLayerParams { MaxLoopIterations = maxIterations, ConditionVar = conditionVar, BodyNetwork = NetworkBuilder.Nested(body) };
        if (condition is not null) p.ConditionNetwork = NetworkBuilder.Nested(condition);
        return Layer(name, inputs, outputs, l => l.Loop = p);
    }

    /// <summary>A constant tensor of any rank with deterministic values.</summary>
    public TSelf LoadConstantND(string name, string output, IReadOnlyList<ulong> shape, WeightPrecision precision = WeightPrecision.Float32)
    {
        var p = new LoadConstantNDLayerParams
        {
            Data = WeightFill.Weights(WeightFill.Count(shape.Select(d => (long)d)), name + ".data", precision),
        };
        p.Shape.Add(shape);
        return Layer(name, [], [output], l => l.LoadConstantND = p);
    }

    private static BorderAmounts Borders(ConvPadding pad)
    {
        var b = new BorderAmounts();
        b.BorderAmounts_.Add(new BorderAmounts.Types.EdgeSizes { StartEdgeSize = pad.Top, EndEdgeSize = pad.Bottom });
        b.BorderAmounts_.Add(new BorderAmounts.Types.EdgeSizes { StartEdgeSize = pad.Left, EndEdgeSize = pad.Right });
        return b;
    }
}

/// <summary>The layers of a nested network (the bodies of branch and loop layers).</summary>
public sealed class NetworkBuilder : LayerListBuilder<NetworkBuilder>
{
    public NeuralNetwork Build()
    {
        var network = new NeuralNetwork();
        network.Layers.Add(Layers.Select(l => l.Clone()));
        return network;
    }

    internal static NeuralNetwork Nested(Action<NetworkBuilder> fill)
    {
        var builder = new NetworkBuilder();
        fill(builder);
        return builder.Build();
    }
}
