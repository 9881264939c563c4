import Numerics

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

/// Losses after one epoch.
///
/// A note on which train loss: the reference prints `loss.item()` after the epoch's loop, i.e. the loss of the LAST
/// batch only (and only every 10 epochs); its test loss is the MSE of the whole test set (one batch of 1024).
/// `trainLoss` here is the mean of the epoch's batch losses (every batch has the same size at 2^14 / 1024, so it is
/// the running mean over the epoch), `lastBatchTrainLoss` is the reference's number, `testLoss` the full-set MSE
/// with the parameters at the end of the epoch.
public struct EpochRecord: Equatable, Sendable {
    public let epoch: Int
    public let trainLoss: Double
    public let lastBatchTrainLoss: Double
    public let testLoss: Double
}

/// Trains the network with Adam on a fixed training set, reshuffled each epoch.
public final class AugmentedTransformerTrainer {
    public let configuration: TrainingConfiguration
    public private(set) var parameters: TransformerParameters<Float>
    public private(set) var history: [EpochRecord] = []
    private var optimiser: Adam
    /// Optimiser steps taken so far: the step a divergence names.
    public private(set) var optimiserSteps = 0
    private var gradient: TransformerParameters<Float>
    private let network: AugmentedTransformerNetwork<Float>
    private let trainSequences: [Float]
    private let trainShape: SequenceShape
    private let testSequences: [Float]
    private let testShape: SequenceShape

    /// Sequences are flat [count, T + 1, d] arrays; `parameters` is usually `.pytorchDefault(…)`.
    public init(configuration: TrainingConfiguration, parameters: TransformerParameters<Float>,
                trainSequences: [Float], trainShape: SequenceShape, testSequences: [Float], testShape: SequenceShape) {
        precondition(trainShape.elementCount == trainSequences.count && testShape.elementCount == testSequences.count,
                     "trainer: sequence arrays do not match their shapes")
        precondition(trainShape.dimension == testShape.dimension && trainShape.tokenCount == testShape.tokenCount,
                     "trainer: train and test sequences differ in shape")
        precondition(parameters.layerCount == configuration.layerCount && parameters.width == trainShape.width,
                     "trainer: parameters do not fit the configuration")
        precondition(configuration.batchSize >= 1 && trainShape.count >= 1, "trainer: empty batch or training set")
        self.configuration = configuration
        self.parameters = parameters
        self.trainSequences = trainSequences
        self.trainShape = trainShape
        self.testSequences = testSequences
        self.testShape = testShape
        gradient = .zeros(layerCount: parameters.layerCount, width: parameters.width)
        optimiser = Adam(parameterCounts: parameters.tensorCounts, learningRate: configuration.learningRate)
        network = AugmentedTransformerNetwork(layerCount: configuration.layerCount, dimension: trainShape.dimension,
                                              positions: trainShape.positions,
                                              capacity: min(configuration.batchSize, max(trainShape.count,
                                                                                         testShape.count)),
                                              workerCount: configuration.workerCount)
    }

    /// One pass over the training set in the order of a fresh permutation from `shuffling`, one Adam step per batch
    /// (the last batch may be smaller, like a DataLoader without drop_last); then the test loss.
    @discardableResult
    public func trainEpoch(shuffling: inout SeededGenerator) throws -> EpochRecord {
        let order = shuffling.permutation(trainShape.count)
        var lossSum = 0.0, batches = 0, lastLoss = 0.0
        try trainSequences.withUnsafeBufferPointer { sequences in
            var start = 0
            while start < order.count {
                let end = min(start + configuration.batchSize, order.count)
                network.load(sequences: sequences, shape: trainShape, indices: order[start..<end])
                network.stage(parameters)
                lastLoss = network.forward()
                try TrainingDiverged.check(lastLoss, step: optimiserSteps)
                optimiserSteps += 1
                network.backward()
                network.unstageGradient(into: &gradient)
                optimiser.beginStep()
                for index in 0..<parameters.tensors.count {
                    optimiser.update(index, parameters: &parameters.tensors[index], gradient: gradient.tensors[index])
                }
                lossSum += lastLoss
                batches += 1
                start = end
            }
        }
        let record = EpochRecord(epoch: history.count, trainLoss: lossSum / Double(batches),
                                 lastBatchTrainLoss: lastLoss,
                                 testLoss: AugmentedTransformerEvaluation.loss(network: network, parameters: parameters,
                                                                               sequences: testSequences,
                                                                               shape: testShape))
        history.append(record)
        return record
    }

    /// Predictions of the current parameters on the test set, flat [count, T, d].
    public func testPredictions() -> [Float] {
        AugmentedTransformerEvaluation.predictions(network: network, parameters: parameters,
                                                   sequences: testSequences, shape: testShape)
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
/// the same generator; `progress` is called after every epoch.
public func trainAugmentedTransformer(configuration: TrainingConfiguration,
                                      trainSequences: [Float], trainShape: SequenceShape,
                                      testSequences: [Float], testShape: SequenceShape,
                                      generator: inout SeededGenerator,
                                      progress: (EpochRecord) -> Void = { _ in }) throws -> TrainingResult {
    let initial = TransformerParameters<Float>.pytorchDefault(layerCount: configuration.layerCount,
                                                              dimension: trainShape.dimension, generator: &generator)
    let trainer = AugmentedTransformerTrainer(configuration: configuration, parameters: initial,
                                              trainSequences: trainSequences, trainShape: trainShape,
                                              testSequences: testSequences, testShape: testShape)
    for _ in 0..<configuration.epochs { progress(try trainer.trainEpoch(shuffling: &generator)) }
    return TrainingResult(parameters: trainer.parameters, history: trainer.history,
                          weights: TrainedWeights(trainer.parameters), testPredictions: trainer.testPredictions())
}

/// Forward-only passes over a whole set, in batches of the network's capacity.
public enum AugmentedTransformerEvaluation {
    /// MSE over the whole set (batch losses weighted by batch size, so it equals the full-set mean).
    public static func loss<Scalar: TransformerScalar>(network: AugmentedTransformerNetwork<Scalar>,
                                                       parameters: TransformerParameters<Scalar>,
                                                       sequences: [Scalar], shape: SequenceShape) -> Double {
        var sum = 0.0
        forEachBatch(network: network, sequences: sequences, shape: shape) { count in
            sum += network.loss(parameters: parameters) * Double(count)
        }
        return sum / Double(max(shape.count, 1))
    }

    /// First d outputs for every sequence, flat [count, T, d].
    public static func predictions<Scalar: TransformerScalar>(network: AugmentedTransformerNetwork<Scalar>,
                                                              parameters: TransformerParameters<Scalar>,
                                                              sequences: [Scalar], shape: SequenceShape) -> [Scalar] {
        var result: [Scalar] = []
        result.reserveCapacity(shape.count * shape.positions * shape.dimension)
        forEachBatch(network: network, sequences: sequences, shape: shape) { _ in
            _ = network.loss(parameters: parameters)
            result += network.predictions()
        }
        return result
    }

    private static func forEachBatch<Scalar: TransformerScalar>(network: AugmentedTransformerNetwork<Scalar>,
                                                                sequences: [Scalar], shape: SequenceShape,
                                                                _ body: (Int) -> Void) {
        sequences.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < shape.count {
                let end = min(start + network.capacity, shape.count)
                network.load(sequences: buffer, shape: shape, indices: start..<end)
                body(end - start)
                start = end
            }
        }
    }
}
