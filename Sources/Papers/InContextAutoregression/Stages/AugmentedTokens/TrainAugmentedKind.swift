import AugmentedTransformer
import HDF5
import Numerics
import PipelineEngine
import StageSupport

/// Stage kind `train-augmented` (Figure 5): the augmented-token linear Transformer of PAPER.md §5, trained with
/// Adam on Haar sequences in Float32; train and test loss recorded every epoch.
struct TrainAugmentedKind: StageKind {
    let name = "train-augmented"
    let version = 3
    func toolchain() -> [String: String] { NativeToolchain.numerics }
    let summary = "Figure 5: train the augmented-token linear Transformer (1-3 layers) with Adam, Float32"
    let parameters: [ParameterSpec] = [
        ParameterSpec("layers", .integer, help: "number of attention layers", minimum: 1),
        ParameterSpec("epochs", .integer, help: "training epochs", minimum: 1),
        ParameterSpec("learning_rate", .number, default: .number(0.01), help: "Adam step size", minimum: 0),
        ParameterSpec("batch_size", .integer, default: .integer(1024), help: "sequences per Adam step", minimum: 1),
        ParameterSpec("seed", .integer, help: "seed of the initialisation and of the per-epoch shuffles"),
    ]
    let inputs = [InputSlot("sequences", help: "a generate-sequences stage (haar) with train and test splits")]

    /// About 0.4 s per layer and epoch at paper size (make bench).
    func estimatedSeconds(_ parameters: StageParameters) -> Double {
        0.4 * Double(parameters.integer("layers") * parameters.integer("epochs"))
    }

    func run(_ context: StageContext) throws {
        let p = context.parameters
        let source = try context.openHDF5("sequences", "sequences.h5")
        let (train, trainShape) = try source.readDoubles("train/sequences")
        let (test, testShape) = try source.readDoubles("test/sequences")
        let configuration = TrainingConfiguration(layerCount: p.integer("layers"), epochs: p.integer("epochs"),
                                                  batchSize: p.integer("batch_size"),
                                                  learningRate: Float(p.number("learning_rate")))
        var generator = SeededGenerator(seed: p.seed())
        let epochs = configuration.epochs
        let result = try trainAugmentedTransformer(
            configuration: configuration,
            trainSequences: train.map { Float($0) }, trainShape: Self.shape(trainShape),
            testSequences: test.map { Float($0) }, testShape: Self.shape(testShape), generator: &generator
        ) { record in
            context.progress(record.epoch, of: epochs, String(format: "train %.4f test %.4f", record.trainLoss, record.testLoss))
        }
        let file = try context.createHDF5("trained.h5")
        try file.write("train_loss", result.history.map(\.trainLoss), shape: [result.history.count])
        try file.write("last_batch_train_loss", result.history.map(\.lastBatchTrainLoss), shape: [result.history.count])
        try file.write("test_loss", result.history.map(\.testLoss), shape: [result.history.count])
        try file.write("test_predictions", result.testPredictions,
                       shape: [testShape[0], testShape[1] - 1, testShape[2]])
        for (index, layer) in result.weights.layers.enumerated() {
            for (name, matrix) in [("W_Q", layer.queryWeight), ("W_K", layer.keyWeight), ("W_V", layer.valueWeight),
                                   ("W_O", layer.outputWeight), ("WQt_WK", layer.queryKeyProduct),
                                   ("WO_WV", layer.valueOutputProduct)] {
                try file.write("layer\(index)/\(name)", matrix.elements, shape: [matrix.rows, matrix.columns])
            }
            for (name, vector) in [("b_Q", layer.queryBias), ("b_K", layer.keyBias), ("b_V", layer.valueBias),
                                   ("b_O", layer.outputBias), ("norm_weight", layer.normWeight), ("norm_bias", layer.normBias)] {
                try file.write("layer\(index)/\(name)", vector, shape: [vector.count])
            }
        }
        try file.write("readout/weight", result.weights.readoutWeight.elements,
                       shape: [result.weights.readoutWeight.rows, result.weights.readoutWeight.columns])
        try file.write("readout/bias", result.weights.readoutBias, shape: [result.weights.readoutBias.count])
        try file.setAttribute("final_test_loss", result.history.last?.testLoss ?? .nan)
        try file.close()
    }

    static func shape(_ dims: [Int]) -> SequenceShape { SequenceShape(count: dims[0], tokenCount: dims[1], dimension: dims[2]) }
}
