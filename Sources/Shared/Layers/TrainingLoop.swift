import Foundation
import NumericCore

/// Where a training stands, for progress lines (the ETA is the mean step time so far times the steps left).
public struct TrainingProgress: Sendable {
    public let step: Int
    public let steps: Int
    public let loss: Double
    public let learningRate: Double
    public let secondsPerStep: Double

    public var secondsLeft: Double { secondsPerStep * Double(steps - step) }
    public var summary: String {
        String(format: "step %d/%d  loss %.4f  lr %.2e  ETA %.0f s", step, steps, loss, learningRate, secondsLeft)
    }
}

/// Losses of many batches combined into one figure, each batch weighted by its number of terms.
public struct LossAccount: Sendable {
    public private(set) var weightedSum = 0.0
    public private(set) var terms = 0

    public init() {}

    public mutating func add(_ value: LossValue) {
        weightedSum += value.mean * Double(value.terms)
        terms += value.terms
    }

    public var mean: Double { terms == 0 ? 0 : weightedSum / Double(terms) }
}

/// The one training loop: `steps` optimisation steps (counted from 1), each a call of `step` that computes the
/// gradient of one batch and updates the parameters; a loss that stops being finite ends it at once
/// (TrainingDiverged); `checkpoint` runs after each step listed in `checkpointSteps`; `progress` about every
/// `progressInterval` steps and after the last.
public struct TrainingLoop {
    public let steps: Int
    public let schedule: LearningRateSchedule
    public let checkpointSteps: Set<Int>
    public let progressInterval: Int

    public init(steps: Int, schedule: LearningRateSchedule, checkpointSteps: [Int] = [], progressInterval: Int = 10) {
        precondition(steps >= 1, "TrainingLoop: no steps")
        self.steps = steps
        self.schedule = schedule
        self.checkpointSteps = Set(checkpointSteps)
        self.progressInterval = max(1, progressInterval)
    }

    /// Steps evenly spaced to the end: `count` checkpoints at steps/count, 2·steps/count, …, steps.
    public static func evenCheckpoints(_ count: Int, of steps: Int) -> [Int] {
        (1...max(1, count)).map { $0 * steps / max(1, count) }
    }

    /// Runs the loop; `step(s, rate)` receives the step index from 0 (the schedule's convention) and its rate, and
    /// returns the batch loss. Returns the loss of every step.
    public func run(step: (_ index: Int, _ learningRate: Double) throws -> LossValue,
                    checkpoint: (_ completedSteps: Int) throws -> Void = { _ in },
                    progress: (TrainingProgress) -> Void = { _ in }) throws -> [LossValue] {
        var losses: [LossValue] = []
        losses.reserveCapacity(steps)
        let start = Date()
        for index in 0..<steps {
            let rate = schedule.rate(at: index)
            let loss = try step(index, rate)
            try TrainingDiverged.check(loss.mean, step: index + 1)
            losses.append(loss)
            let completed = index + 1
            if checkpointSteps.contains(completed) { try checkpoint(completed) }
            if completed % progressInterval == 0 || completed == steps {
                let perStep = Date().timeIntervalSince(start) / Double(completed)
                progress(TrainingProgress(step: completed, steps: steps, loss: loss.mean, learningRate: rate,
                                          secondsPerStep: perStep))
            }
        }
        return losses
    }
}

/// Seeded orders of training examples: a fresh permutation per epoch, cut into batches (the last one may be short),
/// or batches drawn uniformly with replacement (nanoGPT's get_batch).
public struct BatchSampler {
    public let exampleCount: Int
    public let batchSize: Int
    var generator: SeededGenerator

    public init(exampleCount: Int, batchSize: Int, seed: UInt64) {
        precondition(exampleCount >= 1 && batchSize >= 1, "BatchSampler: empty")
        self.exampleCount = exampleCount
        self.batchSize = batchSize
        generator = SeededGenerator(seed: seed)
    }

    /// Draws the orders from `generator` as it stands (a model whose initialisation and shuffles share one seeded
    /// stream, as Figure 5's reference does).
    public init(exampleCount: Int, batchSize: Int, generator: SeededGenerator) {
        precondition(exampleCount >= 1 && batchSize >= 1, "BatchSampler: empty")
        self.exampleCount = exampleCount
        self.batchSize = batchSize
        self.generator = generator
    }

    /// One epoch: every example once, in a new random order.
    public mutating func epoch() -> [[Int]] {
        let order = generator.permutation(exampleCount)
        return stride(from: 0, to: exampleCount, by: batchSize).map { Array(order[$0..<min($0 + batchSize, exampleCount)]) }
    }

    /// `batchSize` examples drawn with replacement.
    public mutating func drawWithReplacement() -> [Int] {
        (0..<batchSize).map { _ in generator.nextIndex(below: exampleCount) }
    }
}
