import NumericCore
import Layers

/// ALPINE.md §2's optimisation: AdamW (β = 0.9, 0.95; decay on Linear weights only), clipping at global norm 1,
/// nanoGPT's warm-up over steps/20 then cosine decay to the floor.
public struct GPTTrainingSettings: Equatable, Sendable {
    public var steps: Int
    public var batchSize: Int
    public var learningRate: Double
    public var minimumLearningRate: Double
    public var weightDecay: Double
    public var gradientClip: Double
    public var checkpoints: Int
    public var seed: UInt64

    public init(steps: Int, batchSize: Int, learningRate: Double = 5e-4, minimumLearningRate: Double = 5e-5,
                weightDecay: Double = 0.1, gradientClip: Double = 1, checkpoints: Int = 10, seed: UInt64) {
        self.steps = steps
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.minimumLearningRate = minimumLearningRate
        self.weightDecay = weightDecay
        self.gradientClip = gradientClip
        self.checkpoints = checkpoints
        self.seed = seed
    }

    public var schedule: LearningRateSchedule {
        .warmupCosine(peak: learningRate, floor: minimumLearningRate, warmupSteps: steps / 20, decaySteps: steps)
    }
}

/// Training lines as next-token pairs: line u₁ … u_L ("\n" last) gives inputs u₁ … u_{L−1} and targets u₂ … u_L,
/// cut to the block. The padded form of nanoGPT adds only positions whose target is PAD, which the loss ignores and
/// which causal attention hides from the others, so leaving them out changes no gradient.
public struct TrainingLines: Sendable {
    public let lines: [[Int32]]
    public let block: Int

    public init(lines: [[Int32]], block: Int) {
        precondition(lines.allSatisfy { $0.count >= 2 }, "TrainingLines: a line needs at least two tokens")
        self.lines = lines
        self.block = block
    }

    /// The packed batch of the lines at `indices`.
    public func batch(_ indices: [Int]) -> (tokens: [Int32], targets: [Int32], layout: SequenceLayout) {
        var tokens: [Int32] = [], targets: [Int32] = [], lengths: [Int] = []
        for index in indices {
            let line = lines[index]
            let length = min(line.count - 1, block)
            tokens += line[0..<length]
            targets += line[1...length]
            lengths.append(length)
        }
        return (tokens, targets, SequenceLayout(lengths: lengths))
    }
}

/// Runs the training of `model` on `lines`; `checkpoint(step)` is called at `settings.checkpoints` evenly spaced
/// steps, `progress` with each progress report. Returns the loss of every step.
public func trainGPT(_ model: GPT<Float>, on lines: TrainingLines, settings: GPTTrainingSettings,
                     checkpoint: (Int) throws -> Void = { _ in },
                     progress: (TrainingProgress) -> Void = { _ in }) throws -> [LossValue] {
    let optimiser = AdamW(model.parameters, beta1: 0.9, beta2: 0.95, epsilon: 1e-8,
                          weightDecay: Float(settings.weightDecay))
    var sampler = BatchSampler(exampleCount: lines.lines.count, batchSize: settings.batchSize, seed: settings.seed)
    let loop = TrainingLoop(steps: settings.steps, schedule: settings.schedule,
                            checkpointSteps: TrainingLoop.evenCheckpoints(settings.checkpoints, of: settings.steps),
                            progressInterval: max(1, settings.steps / 100))
    return try loop.run(step: { _, rate in
        let batch = lines.batch(sampler.drawWithReplacement())
        model.parameters.zeroGradients()
        let loss = model.train(tokens: batch.tokens, targets: batch.targets, layout: batch.layout)
        clipGradientNorm(model.parameters, maximum: settings.gradientClip)
        optimiser.update(learningRate: Float(rate))
        return loss
    }, checkpoint: checkpoint, progress: progress)
}
