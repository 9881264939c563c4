import ClosedFormModels
import NumericCore
import Testing

@Test func oneIterationIsOnePlainGradientStep() throws {
    var generator = SeededGenerator(seed: 31)
    let loss = RotationPopulationLoss(dimension: 6, contextLength: 7)
    let initial = DiagonalMultiHeadParameters(heads: 4, dimension: 6, contextLength: 7, scale: 0.3,
                                              generator: &generator)
    let result = try trainByGradientDescent(loss, from: initial, learningRate: 0.05, iterations: 1)
    let (value, gradient) = loss.lossAndGradient(initial)
    func stepped(_ x: Matrix, _ g: Matrix) -> [Double] { zip(x.elements, g.elements).map { $0 - 0.05 * $1 } }
    #expect(result.parameters.a.elements == stepped(initial.a, gradient.a))
    #expect(result.parameters.b.elements == stepped(initial.b, gradient.b))
    #expect(result.parameters.positionalWeights.elements == stepped(initial.positionalWeights,
                                                                    gradient.positionalWeights))
    #expect(result.recordedIterations == [0, 1])
    #expect(result.losses == [value, loss.loss(result.parameters)])
}

@Test func trajectoryStrideAndProgress() throws {
    var generator = SeededGenerator(seed: 32)
    let loss = UnitaryPopulationLoss(dimension: 4, contextLength: 5)
    let initial = DiagonalMultiHeadParameters(heads: 4, dimension: 4, contextLength: 5, generator: &generator)
    var reported: [Int] = []
    let result = try trainByGradientDescent(loss, from: initial, learningRate: 0.01, iterations: 20, lossStride: 7,
                                        progressInterval: 5) { reported.append($0) }
    #expect(result.recordedIterations == [0, 7, 14, 20])
    #expect(result.losses.count == 4)
    #expect(result.losses[0] == loss.loss(initial))
    #expect(result.finalLoss == loss.loss(result.parameters))
    #expect(reported == [0, 5, 10, 15])
    // Small steps on a smooth loss: the loss decreases.
    #expect(zip(result.losses, result.losses.dropFirst()).allSatisfy { $0 > $1 })
}

/// PAPER.md §2 with its exact settings: d = H = 10, T = 20, init 0.1·N(0, 1), GD lr 0.01 for 100 iterations
/// reaches the zero-loss structure C = c·I, p_{t,t+1} = 1/c, other active p = 0.
@Test func unitaryPaperSettingsReachTheOrthogonalHeadsMinimum() throws {
    var generator = SeededGenerator(seed: 0)
    let initial = DiagonalMultiHeadParameters(heads: 10, dimension: 10, contextLength: 20, generator: &generator)
    let loss = UnitaryPopulationLoss()
    let result = try trainByGradientDescent(loss, from: initial, learningRate: 0.01, iterations: 100)
    // Loss at init ≈ (T−1)·d = 190 for small parameters.
    #expect(abs(result.losses[0] - 190) < 2)
    #expect(abs(result.finalLoss) < 1e-9)
    #expect(hasConverged(result))
    let theory = UnitaryTheoryMeasurements(result.parameters)
    #expect(abs(theory.scale) > 0.5)
    #expect(theory.productDeviation < 1e-6)
    #expect(theory.headDeviation < 1e-6)
    #expect(theory.superDiagonalDeviation < 1e-6)
    #expect(theory.largestInactiveWeight < 1e-6)
}
