import AugmentedTransformer
import GradientDescentBaselines
import HDF5
import NumericCore
import PipelineEngine
import StageSupport

/// Stage kind `train-augmented` (Figure 5): the augmented-token linear Transformer of PAPER.md §5, trained with
/// Adam on Haar sequences in Float32; train and test loss recorded every epoch.
struct TrainAugmentedKind: DeclaresDatasets {
    let name = "train-augmented"
    let version = 5
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

    /// Weights are nn.Linear-style [out, in] over augmented tokens of width 3·dimension; layer<l> is 0-based.
    let datasets: [DatasetDeclaration] = {
        let file = "trained.h5", width = "3*dimension"
        var declared = [
            DatasetDeclaration(file, "train_loss", ["epoch": "epochs"], "mean training loss over the epoch's batches (Float32)"),
            DatasetDeclaration(file, "last_batch_train_loss", ["epoch": "epochs"], "training loss of the epoch's last batch"),
            DatasetDeclaration(file, "test_loss", ["epoch": "epochs"], "loss on the test split after the epoch"),
            DatasetDeclaration(file, "test_predictions", ["sequence": "test_sequences", "step": "steps", "coordinate": "dimension"],
                               "the trained model's prediction of s_{t+1} for every test sequence and step t"),
            DatasetDeclaration(file, "readout/weight", ["out": width, "in": width], "readout weight W_F"),
            DatasetDeclaration(file, "readout/bias", ["out": width], "readout bias b_F"),
        ]
        for (name, description) in [("W_Q", "query weight"), ("W_K", "key weight"), ("W_V", "value weight"),
                                    ("W_O", "output weight"), ("WQt_WK", "W_Qᵀ W_K, the query-key product"),
                                    ("WO_WV", "W_O W_V, the value-output product")] {
            declared.append(DatasetDeclaration(file, "layer<l>/\(name)", ["row": width, "column": width], "\(description) of attention layer l"))
        }
        for (name, description) in [("b_Q", "query bias"), ("b_K", "key bias"), ("b_V", "value bias"), ("b_O", "output bias"),
                                    ("norm_weight", "LayerNorm scale γ"), ("norm_bias", "LayerNorm shift β")] {
            declared.append(DatasetDeclaration(file, "layer<l>/\(name)", ["feature": width], "\(description) of attention layer l"))
        }
        return declared
    }()

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
        let file = try context.createHDF5("trained.h5", declared: datasets)
        try file.setAttribute("dimension", testShape[2])
        try file.setAttribute("steps", testShape[1] - 1)
        try file.setAttribute("test_sequences", testShape[0])
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
