import Foundation
import Testing
import NumericCore
@testable import Layers

@Suite struct OptimiserTests {
    /// Three AdamW steps on two scalars, one decaying and one not, against the update written out by hand.
    @Test func adamWDecaysOnlyItsDecayingGroup() {
        let parameters = ParameterSet<Double>()
        let decayed = parameters.make("w", shape: [1], decays: true)
        let kept = parameters.make("b", shape: [1], decays: false)
        decayed.value[0] = 1.5
        kept.value[0] = -0.5
        let optimiser = AdamW(parameters, beta1: 0.9, beta2: 0.95, epsilon: 1e-8, weightDecay: 0.1)
        var reference = [(theta: 1.5, m: 0.0, v: 0.0, decays: true), (theta: -0.5, m: 0.0, v: 0.0, decays: false)]
        let gradients = [[0.3, -0.2], [0.1, 0.4], [-0.5, 0.05]]
        let lr = 0.01
        for (t, g) in gradients.enumerated() {
            decayed.gradient[0] = g[0]
            kept.gradient[0] = g[1]
            optimiser.update(learningRate: lr)
            for i in 0..<2 {
                var r = reference[i]
                if r.decays { r.theta -= lr * 0.1 * r.theta }
                r.m = 0.9 * r.m + 0.1 * g[i]
                r.v = 0.95 * r.v + 0.05 * g[i] * g[i]
                let mHat = r.m / (1 - pow(0.9, Double(t + 1))), vHat = r.v / (1 - pow(0.95, Double(t + 1)))
                r.theta -= lr * mHat / (vHat.squareRoot() + 1e-8)
                reference[i] = r
            }
        }
        #expect(abs(decayed.value[0] - reference[0].theta) < 1e-12)
        #expect(abs(kept.value[0] - reference[1].theta) < 1e-12)
    }

    /// Adam (AdamW without decay) in Float32, two steps worked by hand from PyTorch's Adam (lr 0.1, β = 0.9, 0.999,
    /// ε = 1e-8), θ = (1, −2), g₁ = (0.5, −1), g₂ = (0.1, 0.3):
    ///   step 1: m̂ = g₁, v̂ = g₁², so θ ← θ − 0.1·g₁/(|g₁| + ε) = (0.900000002, −1.900000001);
    ///   step 2, first coordinate: m = 0.9·0.05 + 0.1·0.1 = 0.055, v = 0.999·0.00025 + 0.001·0.01 = 0.00025975,
    ///   m̂ = 0.055/0.19, v̂ = 0.00025975/0.001999, θ ← 0.900000002 − 0.1·m̂/(√v̂ + ε) = 0.81969591;
    ///   second coordinate likewise: −1.85721514.
    @Test func adamInFloatMatchesTheHandComputation() {
        let parameters = ParameterSet<Float>()
        let theta = parameters.make("theta", shape: [2], decays: false)
        theta.value[0] = 1
        theta.value[1] = -2
        let optimiser = AdamW(parameters, weightDecay: 0)
        theta.gradient[0] = 0.5
        theta.gradient[1] = -1
        optimiser.update(learningRate: 0.1)
        #expect(abs(theta.value[0] - 0.900000002) < 1e-6 && abs(theta.value[1] + 1.900000001) < 1e-6, "\(theta.value.values)")
        theta.gradient[0] = 0.1
        theta.gradient[1] = 0.3
        optimiser.update(learningRate: 0.1)
        // Float32 rounding of the moments bounds the agreement at a few ulps of θ.
        #expect(abs(theta.value[0] - 0.81969591) < 2e-6, "\(theta.value.values)")
        #expect(abs(theta.value[1] + 1.85721514) < 2e-6, "\(theta.value.values)")
    }

    @Test func clippingScalesToTheMaximumNorm() {
        let parameters = ParameterSet<Double>()
        let a = parameters.make("a", shape: [2], decays: true), b = parameters.make("b", shape: [1], decays: false)
        a.gradient[0] = 3; a.gradient[1] = 0; b.gradient[0] = 4
        let before = clipGradientNorm(parameters, maximum: 1)
        #expect(before == 5)
        #expect(abs(parameters.gradientNorm() - 1) < 1e-6)
        #expect(abs(a.gradient[0] / b.gradient[0] - 0.75) < 1e-12)
        // Below the maximum nothing changes.
        #expect(clipGradientNorm(parameters, maximum: 10) < 1.0001 && abs(b.gradient[0] - 0.8) < 1e-6)
    }

    @Test func warmupThenCosineToTheFloor() {
        let schedule = LearningRateSchedule.warmupCosine(peak: 5e-4, floor: 5e-5, warmupSteps: 10, decaySteps: 110)
        #expect(schedule.rate(at: 0) == 0)
        #expect(abs(schedule.rate(at: 5) - 2.5e-4) < 1e-15)
        #expect(abs(schedule.rate(at: 10) - 5e-4) < 1e-15)
        #expect(abs(schedule.rate(at: 60) - (5e-5 + 0.5 * (5e-4 - 5e-5))) < 1e-15)
        #expect(abs(schedule.rate(at: 110) - 5e-5) < 1e-15)
        #expect(schedule.rate(at: 500) == 5e-5)
    }

    @Test func loopStopsOnANonFiniteLossAndCheckpointsOnSchedule() throws {
        var checkpoints: [Int] = []
        let loop = TrainingLoop(steps: 10, schedule: .constant(1), checkpointSteps: TrainingLoop.evenCheckpoints(5, of: 10))
        _ = try loop.run(step: { i, _ in LossValue(mean: Double(i), terms: 1) }, checkpoint: { checkpoints.append($0) })
        #expect(checkpoints == [2, 4, 6, 8, 10])
        #expect(throws: TrainingDiverged.self) {
            try loop.run(step: { i, _ in LossValue(mean: i == 3 ? .nan : 1, terms: 1) })
        }
    }

    @Test func samplerEpochsCoverEveryExampleOnceAndRepeatWithTheSeed() {
        var a = BatchSampler(exampleCount: 10, batchSize: 4, seed: 9), b = BatchSampler(exampleCount: 10, batchSize: 4, seed: 9)
        let epoch = a.epoch()
        #expect(epoch.map(\.count) == [4, 4, 2])
        #expect(epoch.flatMap { $0 }.sorted() == Array(0..<10))
        #expect(epoch == b.epoch())
        #expect(a.epoch() != epoch)
    }

    /// A sampler handed a generator continues that generator's stream: its first epoch is the permutation the
    /// generator would draw next.
    @Test func samplerFromAGeneratorContinuesItsStream() {
        var generator = SeededGenerator(seed: 4)
        _ = generator.nextUniform()
        var sampler = BatchSampler(exampleCount: 9, batchSize: 9, generator: generator)
        let expected = generator.permutation(9)
        #expect(sampler.epoch() == [expected])
        #expect(sampler.epoch() == [generator.permutation(9)])
    }
}
