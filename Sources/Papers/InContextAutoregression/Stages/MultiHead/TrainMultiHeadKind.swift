import GradientDescentBaselines
import HDF5
import MultiHeadTransformer
import NumericCore
import PipelineEngine
import StageSupport

/// Stage kind `train-multihead` (Figure 7): the non-augmented multi-head model of PAPER.md §6 — input (s_t, s_t),
/// learned position embeddings through the same Q/K, linear token scores times softmax positional weights, heads
/// summed, LayerNorm, Linear — trained with Adam in Float32.
struct TrainMultiHeadKind: DeclaresDatasets {
    let name = "train-multihead"
    let version = 5
    func toolchain() -> [String: String] { NativeToolchain.numerics }
    let summary = "Figure 7: train the non-augmented multi-head model (H heads, positional softmax) with Adam"
    let parameters: [ParameterSpec] = [
        ParameterSpec("heads", .integer, default: .integer(64), help: "number of heads H", minimum: 1),
        ParameterSpec("epochs", .integer, help: "training epochs", minimum: 1),
        ParameterSpec("learning_rate", .number, default: .number(0.01), help: "Adam step size", minimum: 0),
        ParameterSpec("batch_size", .integer, default: .integer(1024), help: "sequences per Adam step", minimum: 1),
        ParameterSpec("seed", .integer, help: "seed of the initialisation and of the per-epoch shuffles"),
    ]
    let inputs = [InputSlot("sequences", help: "a generate-sequences stage (haar) with train and test splits")]

    /// The tensors of the §6 model in their true shapes (width = 2·dimension: the input is (s_t, s_t)); head h's
    /// query weight is parameters/queryWeight[h], applied as x ↦ W x + b.
    let datasets: [DatasetDeclaration] = {
        let file = "trained.h5"
        func tensor(_ name: String, _ axes: KeyValuePairs<String, String>, _ description: String) -> DatasetDeclaration {
            DatasetDeclaration(file, "parameters/\(name)", axes, description)
        }
        return [
            DatasetDeclaration(file, "train_loss", ["epoch": "epochs"], "mean over the epoch's batches of the batch MSE of the next-token prediction, before each Adam step (Float32)"),
            DatasetDeclaration(file, "last_batch_train_loss", ["epoch": "epochs"], "training loss of the epoch's last batch"),
            DatasetDeclaration(file, "test_loss", ["epoch": "epochs"], "MSE on the test split after the epoch"),
            tensor("queryWeight", ["head": "heads", "out": "2*dimension", "in": "2*dimension"], "query weight Q_h of each head"),
            tensor("queryBias", ["head": "heads", "out": "2*dimension"], "query bias of each head"),
            tensor("keyWeight", ["head": "heads", "out": "2*dimension", "in": "2*dimension"], "key weight K_h of each head"),
            tensor("keyBias", ["head": "heads", "out": "2*dimension"], "key bias of each head"),
            tensor("valueWeight", ["head": "heads", "out": "2*dimension", "in": "2*dimension"], "value weight V_h of each head"),
            tensor("valueBias", ["head": "heads", "out": "2*dimension"], "value bias of each head"),
            tensor("outputWeight", ["out": "2*dimension", "in": "2*dimension"], "output weight W_O applied to the sum over heads"),
            tensor("outputBias", ["out": "2*dimension"], "output bias b_O"),
            tensor("positionEmbeddings", ["position": "positions", "feature": "2*dimension"], "learned position embedding π_t of each position"),
            tensor("normScale", ["feature": "2*dimension"], "LayerNorm scale γ"),
            tensor("normShift", ["feature": "2*dimension"], "LayerNorm shift β"),
            tensor("readoutWeight", ["out": "dimension", "in": "2*dimension"], "final linear readout weight (2d → d)"),
            tensor("readoutBias", ["out": "dimension"], "final linear readout bias"),
        ]
    }()

    /// The stored shape of each tensor, in `MultiHeadParameters.tensorNames` order (row-major, as held in memory).
    static func shapes(_ configuration: MultiHeadConfiguration) -> [[Int]] {
        let h = configuration.headCount, d = configuration.dimension, w = 2 * d, t = configuration.positionCount
        return [[h, w, w], [h, w], [h, w, w], [h, w], [h, w, w], [h, w], [w, w], [w], [t, w], [w], [w], [d, w], [d]]
    }

    /// About 1 s per epoch at paper size with 64 heads (make bench).
    func estimatedSeconds(_ parameters: StageParameters) -> Double {
        Double(parameters.integer("epochs")) * Double(parameters.integer("heads")) / 64
    }

    func run(_ context: StageContext) throws {
        let p = context.parameters
        let source = try context.openHDF5("sequences", "sequences.h5")
        let (train, trainShape) = try source.readDoubles("train/sequences")
        let (test, testShape) = try source.readDoubles("test/sequences")
        let configuration = MultiHeadConfiguration(dimension: trainShape[2], headCount: p.integer("heads"),
                                                   positionCount: trainShape[1] - 1)
        let options = MultiHeadTrainingOptions(learningRate: Float(p.number("learning_rate")),
                                               batchSize: p.integer("batch_size"), epochCount: p.integer("epochs"))
        let trainer = MultiHeadTrainer(
            configuration: configuration,
            training: TokenSequences(count: trainShape[0], tokenCount: trainShape[1], dimension: trainShape[2], values: train),
            test: TokenSequences(count: testShape[0], tokenCount: testShape[1], dimension: testShape[2], values: test),
            options: options, generator: SeededGenerator(seed: p.seed()))
        let reports = try trainer.train { report in
            context.progress(report.epoch, of: options.epochCount,
                             String(format: "train %.4f test %.4f", report.meanTrainLoss, report.testLoss))
        }
        let file = try context.createHDF5("trained.h5", declared: datasets)
        try file.write("train_loss", reports.map(\.meanTrainLoss), shape: [reports.count])
        try file.write("last_batch_train_loss", reports.map(\.lastBatchTrainLoss), shape: [reports.count])
        try file.write("test_loss", reports.map(\.testLoss), shape: [reports.count])
        for (name, (tensor, shape)) in zip(MultiHeadParameters<Float>.tensorNames,
                                           zip(trainer.parameters.tensors, Self.shapes(configuration))) {
            try file.write("parameters/\(name)", tensor, shape: shape)
        }
        try file.setAttribute("dimension", configuration.dimension)
        try file.setAttribute("heads", configuration.headCount)
        try file.setAttribute("positions", configuration.positionCount)
        try file.setAttribute("final_test_loss", reports.last?.testLoss ?? .nan)
        try file.close()
    }

    /// The trained parameters stored by `run`.
    static func readParameters(_ file: HDF5File) throws -> MultiHeadParameters<Float> {
        let configuration = MultiHeadConfiguration(dimension: try file.intAttribute("dimension"),
                                                   headCount: try file.intAttribute("heads"),
                                                   positionCount: try file.intAttribute("positions"))
        var parameters = MultiHeadParameters<Float>(zerosFor: configuration)
        parameters.tensors = try zip(MultiHeadParameters<Float>.tensorNames, shapes(configuration)).map { name, expected in
            let (values, shape) = try file.readFloats("parameters/\(name)")
            guard shape == expected else {
                throw PipelineError("\(file.path): parameters/\(name) has shape \(shape), the model needs \(expected)")
            }
            return values
        }
        return parameters
    }
}
