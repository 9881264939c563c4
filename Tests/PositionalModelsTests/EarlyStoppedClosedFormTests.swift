import NumericCore
import PositionalModels
import Testing

@Test func closedFormWithEmpiricalKernelMatchesGradientDescent() throws {
    var generator = SeededGenerator(seed: 7)
    let sequences = PhaseSequences.sample(count: 50, mu: 20, steps: 10, generator: &generator)
    let model = PositionalModel(sequences: sequences)
    let steps = 150
    let trained = try PositionalTraining.train(model: model, learningRate: 0.5, steps: steps)
    #expect(trained.steps == steps && trained.losses.count == steps + 1 && !trained.reachedThreshold)
    let closedForm = EarlyStoppedClosedForm.weights(kernel: PositionalKernel.empirical(of: sequences),
                                                    learningRate: 0.5, steps: steps)
    #expect(EarlyStoppedClosedForm.relativeFrobeniusError(trained.weights, reference: closedForm) < 1e-11)
    // Sensitivity: one step fewer is visibly different.
    let previous = EarlyStoppedClosedForm.weights(kernel: PositionalKernel.empirical(of: sequences),
                                                  learningRate: 0.5, steps: steps - 1)
    #expect(EarlyStoppedClosedForm.relativeFrobeniusError(trained.weights, reference: previous) > 1e-6)
    // The K-form predicts the loss of the trained weights too.
    let kernelLoss = PositionalKernel.loss(weights: trained.weights, kernel: PositionalKernel.empirical(of: sequences))
    #expect(abs(kernelLoss - trained.losses[steps]) < 1e-12)
}

@Test func trainingStopsOneStepAfterTheThreshold() throws {
    var generator = SeededGenerator(seed: 8)
    let sequences = PhaseSequences.sample(count: 30, mu: 10, steps: 6, generator: &generator)
    let model = PositionalModel(sequences: sequences)
    let threshold = 1e-2
    let result = try PositionalTraining.trainUntil(model: model, learningRate: 0.5, threshold: threshold, maximumSteps: 10_000)
    let k = result.steps
    #expect(result.reachedThreshold)
    #expect(k >= 2 && result.losses.count == k + 1)
    // L(P_{k−1}) < threshold ≤ L(P_j) for every j < k − 1.
    #expect(result.losses[k - 1] < threshold)
    #expect(result.losses[..<(k - 1)].allSatisfy { $0 >= threshold })
    // Gradient descent on a convex quadratic with α λ_max < 2 decreases the loss at every step.
    #expect(zip(result.losses, result.losses.dropFirst()).allSatisfy { $1 <= $0 })
    #expect(abs(model.loss(result.weights) - result.losses[k]) < 1e-15)
    // A budget too small to reach the threshold is reported, not hidden.
    let short = try PositionalTraining.trainUntil(model: model, learningRate: 0.5, threshold: threshold, maximumSteps: k - 2)
    #expect(!short.reachedThreshold && short.steps == k - 2)
}
