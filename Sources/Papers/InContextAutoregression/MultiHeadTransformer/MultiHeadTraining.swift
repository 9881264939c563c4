import GradientDescentBaselines
import Layers
import NumericCore

/// Optimiser settings of PAPER.md §6 (the same as §5): Adam lr 1e-2, β = (0.9, 0.999), ε = 1e-8, batch 1024
/// reshuffled every epoch, 200 epochs.
public struct MultiHeadTrainingOptions: Sendable, Equatable {
    public var learningRate: Float
    public var batchSize: Int
    public var epochCount: Int

    public init(learningRate: Float = 1e-2, batchSize: Int = 1024, epochCount: Int = 200) {
        precondition(batchSize > 0 && epochCount >= 0, "MultiHeadTrainingOptions: bad batch size or epoch count")
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.epochCount = epochCount
    }

    public static let paper = MultiHeadTrainingOptions()
}

/// Losses after one epoch.
///
/// A note on which train loss: the reference logs `loss.item()` of the epoch's last batch (every 10 epochs), not a
/// mean; we keep both. Its test loss is the MSE of its single 1024-sequence test batch, i.e. our `testLoss`.
public struct MultiHeadEpochReport: Sendable, Equatable {
    /// 1-based, like the reference's printout.
    public let epoch: Int
    /// Mean over the epoch's batches of the batch loss before each step (batches weighted by their size).
    public let meanTrainLoss: Double
    /// Loss of the epoch's last batch before its step (what the reference logs).
    public let lastBatchTrainLoss: Double
    /// MSE over the whole test set after the epoch.
    public let testLoss: Double
}

/// Adam on the §6 model in Float32: the shared AdamW (weight decay 0), BatchSampler and TrainingLoop, so this
/// model and Figure 5's train by one optimiser and one loop. Deterministic: the initialisation and every epoch's
/// shuffle come from the generator passed in.
///
/// A note on the mirror: the network's kernels read the parameters as flat arrays (MultiHeadParameters); the
/// optimiser works on a ParameterSet with one tensor per array, in `tensorNames` order. Each step copies the
/// gradient in and the updated values out (about 25 k scalars at paper size, nothing beside the batch's products).
public final class MultiHeadTrainer {
    public let configuration: MultiHeadConfiguration
    public let options: MultiHeadTrainingOptions
    public private(set) var parameters: MultiHeadParameters<Float>
    public private(set) var reports: [MultiHeadEpochReport] = []
    private let training: TokenSequences
    private let test: TokenSequences
    private var sampler: BatchSampler
    private let mirror = ParameterSet<Float>()
    private let optimiser: AdamW<Float>
    private let network: MultiHeadNetwork<Float>

    /// Draws the initial parameters (PyTorch defaults) from `generator`, then keeps it for the shuffles.
    public init(configuration: MultiHeadConfiguration, training: TokenSequences, test: TokenSequences,
                options: MultiHeadTrainingOptions = .paper, generator: SeededGenerator) {
        precondition(training.count > 0 && test.count > 0, "MultiHeadTrainer: empty training or test set")
        self.configuration = configuration
        self.options = options
        self.training = training
        self.test = test
        var generator = generator
        parameters = MultiHeadParameters(configuration: configuration, generator: &generator)
        sampler = BatchSampler(exampleCount: training.count, batchSize: options.batchSize, generator: generator)
        for (name, tensor) in zip(MultiHeadParameters<Float>.tensorNames, parameters.tensors) {
            let parameter = mirror.make(name, shape: [tensor.count], decays: false)
            tensor.withUnsafeBufferPointer { parameter.value.pointer.update(from: $0.baseAddress!, count: tensor.count) }
        }
        optimiser = AdamW(mirror, weightDecay: 0)
        network = MultiHeadNetwork(configuration: configuration, batchCapacity: min(options.batchSize,
                                                                                   max(training.count, test.count)))
    }

    /// One pass over a fresh permutation of the training set (last batch possibly smaller, like PyTorch's
    /// DataLoader without drop_last), then the test loss.
    @discardableResult
    public func trainEpoch() throws -> MultiHeadEpochReport {
        let batches = sampler.epoch()
        var account = LossAccount()
        let paths = MultiHeadParameters<Float>.tensorKeyPaths
        let losses = try TrainingLoop(steps: batches.count, schedule: .constant(Double(options.learningRate))).run { index, rate in
            let (loss, gradient) = network.lossAndGradient(parameters: parameters, sequences: training, indices: batches[index])
            for (parameter, path) in zip(mirror.parameters, paths) {
                gradient[keyPath: path].withUnsafeBufferPointer {
                    parameter.gradient.pointer.update(from: $0.baseAddress!, count: parameter.count)
                }
            }
            optimiser.update(learningRate: Float(rate))
            for (parameter, path) in zip(mirror.parameters, paths) {
                parameters[keyPath: path].withUnsafeMutableBufferPointer {
                    $0.baseAddress!.update(from: parameter.value.pointer, count: parameter.count)
                }
            }
            let value = LossValue(mean: loss, terms: batches[index].count)
            account.add(value)
            return value
        }
        let report = MultiHeadEpochReport(epoch: reports.count + 1, meanTrainLoss: account.mean,
                                          lastBatchTrainLoss: losses.last!.mean,
                                          testLoss: network.evaluate(parameters: parameters, sequences: test).loss)
        reports.append(report)
        return report
    }

    /// Runs the remaining epochs of `options.epochCount`, calling `progress` after each.
    @discardableResult
    public func train(progress: (MultiHeadEpochReport) -> Void = { _ in }) throws -> [MultiHeadEpochReport] {
        while reports.count < options.epochCount { progress(try trainEpoch()) }
        return reports
    }

    /// MSE of the current parameters on any set, overall and per position.
    public func evaluate(_ sequences: TokenSequences) -> (loss: Double, perPosition: [Double]) {
        network.evaluate(parameters: parameters, sequences: sequences)
    }
}
