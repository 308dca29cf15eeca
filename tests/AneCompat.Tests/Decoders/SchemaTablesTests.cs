using AneCompat.Building;
using AneCompat.Decoders.NeuralNetwork;
using AneCompat.Decoders.Protobuf;
using AneCompat.Schema;
using AneCompat.Tests.Support;
using Google.Protobuf.Reflection;

namespace AneCompat.Tests.Decoders;

/// <summary>The reader's schema tables (generated so the read path never builds protobuf descriptors) match the .proto files.</summary>
public class SchemaTablesTests
{
    [Fact]
    public void GeneratedTablesAreInSyncWithTheProtoFiles()
    {
        var committed = File.ReadAllText(Path.Combine(Corpus.RepoRoot, SchemaTablesGenerator.RelativePath));
        // After a .proto change: dotnet run --project bench/AneCompat.Bench -c Release -- make-schema-tables
        Assert.Equal(SchemaTablesGenerator.Generate().ReplaceLineEndings(), committed.ReplaceLineEndings());
    }

    [Fact]
    public void FieldKindsAgreeWithTheDescriptors()
    {
        Assert.Equal(SchemaTables.StringField, SchemaTables.FieldKind(SchemaTables.NeuralNetworkLayerMessage, NeuralNetworkLayer.NameFieldNumber));
        Assert.Equal(SchemaTables.OtherField, SchemaTables.FieldKind(SchemaTables.WeightParamsMessage, WeightParams.Float16ValueFieldNumber));
        Assert.Equal(SchemaTables.UnknownField, SchemaTables.FieldKind(SchemaTables.WeightParamsMessage, 9999));
        var convolution = SchemaTables.FieldKind(SchemaTables.NeuralNetworkLayerMessage, NeuralNetworkLayer.ConvolutionFieldNumber);
        Assert.Equal(SchemaTables.WeightParamsMessage, SchemaTables.FieldKind(convolution, ConvolutionLayerParams.WeightsFieldNumber));
        Assert.Equal(SchemaTables.NeuralNetworkLayerMessage,
            SchemaTables.FieldKind(SchemaTables.FieldKind(SchemaTables.ModelMessage, Model.NeuralNetworkFieldNumber), AneCompat.Schema.NeuralNetwork.LayersFieldNumber));
    }

    [Fact]
    public void EveryLayerCaseHasItsFileSpelling() =>
        Assert.All(Enum.GetValues<NeuralNetworkLayer.LayerOneofCase>().Where(c => c != NeuralNetworkLayer.LayerOneofCase.None),
            c => Assert.Equal(NeuralNetworkLayer.Descriptor.FindFieldByNumber((int)c).Name, NeuralNetworkLayerKinds.SourceName(c)));

    [Fact]
    public void NamesAreTheFileSpellings()
    {
        Assert.Equal("neuralNetworkClassifier", SpecDecoder.TypeName(new Model { NeuralNetworkClassifier = new NeuralNetworkClassifier() }));
        Assert.Equal("l2normalize", NeuralNetworkLayerKinds.SourceName(NeuralNetworkLayer.LayerOneofCase.L2Normalize));
        Assert.Equal(UnaryFunctionLayerParams.Descriptor.FindFieldByName("type").EnumType.FindValueByNumber((int)UnaryFunctionLayerParams.Types.Operation.Power).Name,
            ProtoNames.EnumValue(nameof(UnaryFunctionLayerParams), "type", (int)UnaryFunctionLayerParams.Types.Operation.Power));
        Assert.Equal("77", ProtoNames.EnumValue(nameof(ReduceLayerParams), "mode", 77));
    }

    [Fact]
    public void LayerWeightsAreFoundInFieldOrderIncludingNestedOnes()
    {
        var gates = new LSTMWeightParams
        {
            InputGateWeightMatrix = new WeightParams { Float16Value = Google.Protobuf.ByteString.CopyFrom(new byte[4]) },
            OutputGateBiasVector = new WeightParams { FloatValue = { 1f, 2f } },
        };
        var layer = new NeuralNetworkLayer { BiDirectionalLSTM = new BiDirectionalLSTMLayerParams { WeightParams = { gates, new LSTMWeightParams() } } };
        var found = Weights(layer);
        Assert.Equal(2, found.Count);
        Assert.Same(gates.InputGateWeightMatrix, found[0]);
        Assert.Same(gates.OutputGateBiasVector, found[1]);
        Assert.Empty(Weights(new NeuralNetworkLayer { Branch = new BranchLayerParams { IfBranch = new AneCompat.Schema.NeuralNetwork() } }));
    }

    private static List<WeightParams> Weights(NeuralNetworkLayer layer)
    {
        var found = new List<WeightParams>();
        SchemaTables.CollectWeights(layer, found);
        return found;
    }
}
