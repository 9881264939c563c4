import GradientDescentBaselines
import Layers
import NumericCore

/// Settings of a training run (PAPER.md §5: Adam lr 1e-2, batch 1024, 200 epochs, 1–3 layers).
public struct TrainingConfiguration: Equatable, Sendable {
    public var layerCount: Int
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Float
    /// Threads for the per-sequence work; the results do not depend on it (see `AugmentedTransformerNetwork`).
    public var workerCount: Int

    public init(layerCount: Int, epochs: Int, batchSize: Int = 1024, learningRate: Float = 1e-2, workerCount: Int = 2) {
        self.layerCount = layerCount
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.workerCount = workerCount
    }
}

/// Losses after one epoch (epochs counted from 1).
///
/// A note on which train loss: the reference prints `loss.item()` after the epoch's loop, i.e. the loss of the LAST
/// batch only (and only every 10 epochs); its test loss is the MSE of the whole test set (one batch of 1024).
/// `trainLoss` here is the epoch's batch losses weighted by their terms (LossAccount, so a short last batch counts
/// for what it holds), `lastBatchTrainLoss` is the reference's number, `testLoss` the full-set MSE with the
/// parameters at the end of the epoch.
public struct EpochRecord: Equatable, Sendable {
    public let epoch: Int
    public let trainLoss: Double
    public let lastBatchTrainLoss: Double
    public let testLoss: Double
}

/// Trains the network with Adam (the shared AdamW, weight decay 0) on a fixed training set, reshuffled each epoch by
/// the shared BatchSampler, each epoch one run of the shared TrainingLoop.
public final class AugmentedTransformerTrainer {
    public let configuration: TrainingConfiguration
    public private(set) var history: [EpochRecord] = []
    private let optimiser: AdamW<Float>
    private var sampler: BatchSampler
    private let network: AugmentedTransformerNetwork<Float>
    private let trainSequences: [Float]
    private let trainShape: SequenceShape
    private let testSequences: [Float]
    private let testShape: SequenceShape

    /// Sequences are flat [count, T + 1, d] arrays; `parameters` is usually `.pytorchDefault(…)`; `shuffling` draws
    /// the per-epoch permutations.
    public init(configuration: TrainingConfiguration, parameters: TransformerParameters<Float>,
                trainSequences: [Float], trainShape: SequenceShape, testSequences: [Float], testShape: SequenceShape,
                shuffling: SeededGenerator) {
        precondition(trainShape.elementCount == trainSequences.count && testShape.elementCount == testSequences.count,
                     "trainer: sequence arrays do not match their shapes")
        precondition(trainShape.dimension == testShape.dimension && trainShape.tokenCount == testShape.tokenCount,
                     "trainer: train and test sequences differ in shape")
        precondition(parameters.layerCount == configuration.layerCount && parameters.width == trainShape.width,
                     "trainer: parameters do not fit the configuration")
        precondition(configuration.batchSize >= 1 && trainShape.count >= 1, "trainer: empty batch or training set")
        self.configuration = configuration
        self.trainSequences = trainSequences
        self.trainShape = trainShape
        self.testSequences = testSequences
        self.testShape = testShape
        network = AugmentedTransformerNetwork(layerCount: configuration.layerCount, dimension: trainShape.dimension,
                                              positions: trainShape.positions,
                                              capacity: min(configuration.batchSize, max(trainShape.count,
                                                                                         testShape.count)),
                                              workerCount: configuration.workerCount)
        network.set(parameters)
        optimiser = AdamW(network.parameters, weightDecay: 0)
        sampler = BatchSampler(exampleCount: trainShape.count, batchSize: configuration.batchSize, generator: shuffling)
    }

    /// The current parameters.
    public var parameters: TransformerParameters<Float> { network.exported() }

    /// One pass over the training set in a fresh order, one Adam step per batch (the last batch may be smaller,
    /// like a DataLoader without drop_last); then the test loss. Throws TrainingDiverged on a non-finite loss.
    @discardableResult
    public func trainEpoch() throws -> EpochRecord {
        let batches = sampler.epoch()
        var account = LossAccount()
        let rate = Double(configuration.learningRate)
        let losses = try trainSequences.withUnsafeBufferPointer { sequences in
            try TrainingLoop(steps: batches.count, schedule: .constant(rate)).run { index, learningRate in
                network.load(sequences: sequences, shape: trainShape, indices: batches[index])
                let loss = network.forward()
                network.backward()
                optimiser.update(learningRate: Float(learningRate))
                account.add(loss)
                return loss
            }
        }
        let record = EpochRecord(epoch: history.count + 1, trainLoss: account.mean,
                                 lastBatchTrainLoss: losses.last!.mean,
                                 testLoss: AugmentedTransformerEvaluation.loss(network: network,
                                                                               sequences: testSequences,
                                                                               shape: testShape))
        history.append(record)
        return record
    }

    /// Predictions of the current parameters on the test set, flat [count, T, d].
    public func testPredictions() -> [Float] {
        AugmentedTransformerEvaluation.predictions(network: network, sequences: testSequences, shape: testShape)
    }
}

/// What a training stage stores.
public struct TrainingResult: Sendable {
    public let parameters: TransformerParameters<Float>
    public let history: [EpochRecord]
    public let weights: TrainedWeights
    /// First d outputs on the test set, flat [testCount, T, d].
    public let testPredictions: [Float]
}

/// Initialises with PyTorch's defaults from `generator`, then trains `configuration.epochs` epochs, reshuffling from
/// the same generator's stream; `progress` is called after every epoch.
public func trainAugmentedTransformer(configuration: TrainingConfiguration,
                                      trainSequences: [Float], trainShape: SequenceShape,
                                      testSequences: [Float], testShape: SequenceShape,
                                      generator: inout SeededGenerator,
                                      progress: (EpochRecord) -> Void = { _ in }) throws -> TrainingResult {
    let initial = TransformerParameters<Float>.pytorchDefault(layerCount: configuration.layerCount,
                                                              dimension: trainShape.dimension, generator: &generator)
    let trainer = AugmentedTransformerTrainer(configuration: configuration, parameters: initial,
                                              trainSequences: trainSequences, trainShape: trainShape,
                                              testSequences: testSequences, testShape: testShape,
                                              shuffling: generator)
    for _ in 0..<configuration.epochs { progress(try trainer.trainEpoch()) }
    let parameters = trainer.parameters
    return TrainingResult(parameters: parameters, history: trainer.history,
                          weights: TrainedWeights(parameters), testPredictions: trainer.testPredictions())
}

/// Forward-only passes over a whole set, in batches of the network's capacity.
public enum AugmentedTransformerEvaluation {
    /// MSE of `parameters` over the whole set.
    public static func loss<Scalar: TransformerScalar>(network: AugmentedTransformerNetwork<Scalar>,
                                                       parameters: TransformerParameters<Scalar>,
                                                       sequences: [Scalar], shape: SequenceShape) -> Double {
        network.set(parameters)
        return loss(network: network, sequences: sequences, shape: shape)
    }

    /// MSE of the network's current parameters over the whole set (batch losses weighted by their terms, so it is
    /// the full-set mean).
    public static func loss<Scalar: TransformerScalar>(network: AugmentedTransformerNetwork<Scalar>,
                                                       sequences: [Scalar], shape: SequenceShape) -> Double {
        var account = LossAccount()
        forEachBatch(network: network, sequences: sequences, shape: shape) { account.add(network.forward()) }
        return account.mean
    }

    /// First d outputs of `parameters` for every sequence, flat [count, T, d].
    public static func predictions<Scalar: TransformerScalar>(network: AugmentedTransformerNetwork<Scalar>,
                                                              parameters: TransformerParameters<Scalar>,
                                                              sequences: [Scalar], shape: SequenceShape) -> [Scalar] {
        network.set(parameters)
        return predictions(network: network, sequences: sequences, shape: shape)
    }

    /// First d outputs of the network's current parameters for every sequence, flat [count, T, d].
    public static func predictions<Scalar: TransformerScalar>(network: AugmentedTransformerNetwork<Scalar>,
                                                              sequences: [Scalar], shape: SequenceShape) -> [Scalar] {
        var result: [Scalar] = []
        result.reserveCapacity(shape.count * shape.positions * shape.dimension)
        forEachBatch(network: network, sequences: sequences, shape: shape) {
            network.forward()
            result += network.predictions()
        }
        return result
    }

    private static func forEachBatch<Scalar: TransformerScalar>(network: AugmentedTransformerNetwork<Scalar>,
                                                                sequences: [Scalar], shape: SequenceShape,
                                                                _ body: () -> Void) {
        sequences.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < shape.count {
                let end = min(start + network.capacity, shape.count)
                network.load(sequences: buffer, shape: shape, indices: start..<end)
                body()
                start = end
            }
        }
    }
}
