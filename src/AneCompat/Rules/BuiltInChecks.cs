using AneCompat.Rules.Checks;

namespace AneCompat.Rules;

/// <summary>
/// Every built-in check, listed explicitly (no reflection, so the CLI trims and compiles ahead of time). Adding a
/// rule is one descriptor row in rules.json, one check file under Rules/Checks, one line here, and its test;
/// CatalogTests fails when a check file is missing from this list.
/// </summary>
internal static class BuiltInChecks
{
    public static IReadOnlyList<IOpRule> OpRules { get; } = new IOpRule[]
    {
        new ActivationQuantizationRule(),
        new AxisSizeRule(),
        new Bf16Rule(),
        new BlockwiseQuantizationRule(),
        new ChannelBroadcastRule(),
        new ContractionDepthRule(),
        new Conv3dRule(),
        new ConvDilationRule(),
        new ConvDynamicWeightRule(),
        new ConvKernelWidthRule(),
        new ConvStrideRule(),
        new DynamicShapeOpRule(),
        new DynamicSliceRule(),
        new EnumeratedLayerNormRule(),
        new Fp16PassRule(),
        new Fp16RangeRule(),
        new Fp32LiteralRule(),
        new Fp32OpRule(),
        new GatherAxisNdRule(),
        new GatherRule(),
        new GlobalValidPoolingRule(),
        new HintFallbackRule(),
        new InfiniteConstantRule(),
        new IntTensorRule(),
        new LayerNormEpsilonRule(),
        new LookupRowsRule(),
        new LrnSizeRule(),
        new OutputBlobRule(),
        new PadModeRule(),
        new PoolingKernelRule(),
        new PoolingStrideRule(),
        new RankRule(),
        new StateAlignmentRule(),
        new StateDtypeRule(),
        new TextureOpRule(),
        new TileFactorRule(),
        new TrigRule(),
        new UnknownShapeRule(),
        new UpsampleScaleRule(),
    };

    public static IReadOnlyList<IModelRule> ModelRules { get; } = new IModelRule[]
    {
        new EnumeratedAndRangeRule(),
        new EnumeratedShapeRule(),
        new Fp32ProgramRule(),
        new MlProgramGenerationRule(),
        new ModelSizeRule(),
        new ModelTypeRule(),
        new NeuralNetworkFlexibleShapeRule(),
        new RangeShapeRule(),
        new StateCountRule(),
    };
}
