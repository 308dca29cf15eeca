using AneCompat.Schema;
using Google.Protobuf.Collections;

namespace AneCompat.Decoders.NeuralNetwork;

/// <summary>
/// What the three NeuralNetwork model types (plain, classifier, regressor) have in common, so one decoder reads all
/// of them. Nested branch/loop bodies are plain <see cref="Schema.NeuralNetwork"/> messages and use the same record.
/// </summary>
public sealed record NeuralNetworkParts(
    RepeatedField<NeuralNetworkLayer> Layers,
    RepeatedField<NeuralNetworkPreprocessing> Preprocessing,
    NeuralNetworkMultiArrayShapeMapping ArrayInputShapeMapping,
    NeuralNetworkImageShapeMapping ImageInputShapeMapping)
{
    /// <summary>The network of a model whose type is one of the NeuralNetwork family; null for every other type.</summary>
    public static NeuralNetworkParts? From(Model model) => model.TypeCase switch
    {
        Model.TypeOneofCase.NeuralNetwork => From(model.NeuralNetwork),
        Model.TypeOneofCase.NeuralNetworkClassifier => new(model.NeuralNetworkClassifier.Layers,
            model.NeuralNetworkClassifier.Preprocessing, model.NeuralNetworkClassifier.ArrayInputShapeMapping,
            model.NeuralNetworkClassifier.ImageInputShapeMapping),
        Model.TypeOneofCase.NeuralNetworkRegressor => new(model.NeuralNetworkRegressor.Layers,
            model.NeuralNetworkRegressor.Preprocessing, model.NeuralNetworkRegressor.ArrayInputShapeMapping,
            model.NeuralNetworkRegressor.ImageInputShapeMapping),
        _ => null,
    };

    public static NeuralNetworkParts From(Schema.NeuralNetwork network) =>
        new(network.Layers, network.Preprocessing, network.ArrayInputShapeMapping, network.ImageInputShapeMapping);
}
