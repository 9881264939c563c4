import HDF5
import MultiHeadTransformer
import Numerics
import PipelineEngine
import StageSupport

/// Stage kind `train-multihead` (Figure 7): the non-augmented multi-head model of PAPER.md §6 — input (s_t, s_t),
/// learned position embeddings through the same Q/K, linear token scores times softmax positional weights, heads
/// summed, LayerNorm, Linear — trained with Adam in Float32.
struct TrainMultiHeadKind: StageKind {
    let name = "train-multihead"
    let version = 3
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
            training: MultiHeadSequences(count: trainShape[0], tokenCount: trainShape[1], dimension: trainShape[2], values: train),
            test: MultiHeadSequences(count: testShape[0], tokenCount: testShape[1], dimension: testShape[2], values: test),
            options: options, generator: SeededGenerator(seed: p.seed()))
        let reports = try trainer.train { report in
            context.progress(report.epoch, of: options.epochCount,
                             String(format: "train %.4f test %.4f", report.meanTrainLoss, report.testLoss))
        }
        let file = try context.createHDF5("trained.h5")
        try file.write("train_loss", reports.map(\.meanTrainLoss), shape: [reports.count])
        try file.write("last_batch_train_loss", reports.map(\.lastBatchTrainLoss), shape: [reports.count])
        try file.write("test_loss", reports.map(\.testLoss), shape: [reports.count])
        for (name, tensor) in zip(MultiHeadParameters<Float>.tensorNames, trainer.parameters.tensors) {
            try file.write("parameters/\(name)", tensor, shape: [tensor.count])
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
        parameters.tensors = try MultiHeadParameters<Float>.tensorNames.map { try file.readFloats("parameters/\($0)").values }
        return parameters
    }
}
