import ClosedFormModels
import NumericCore
import Testing

@Test func rotationZeroLossStructureHasZeroLossAndGradient() throws {
    let c = -1.3
    let minimiser = rotationMinimiser(dimension: 10, heads: 8, contextLength: 20, scale: c)
    let loss = RotationPopulationLoss()
    let (value, gradient) = loss.lossAndGradient(minimiser)
    #expect(abs(value) < 1e-12)
    let gradientNorm = (gradient.a.elements + gradient.b.elements + gradient.positionalWeights.elements)
        .reduce(0) { $0 + $1 * $1 }.squareRoot()
    #expect(gradientNorm < 1e-12)
    // Breaking the Chebyshev relation (p_{t,t} = 0 instead of −1/(2c)) costs loss.
    var broken = minimiser
    for t in 0..<19 { broken.positionalWeights[t, t] = 0 }
    #expect(loss.loss(broken) > 1)

    let theory = try RotationTheoryMeasurements(minimiser)
    #expect(abs(theory.scale - c) < 1e-14 && abs(theory.partnerScale - c) < 1e-14)
    #expect(theory.productDeviation < 1e-14)
    #expect(theory.offBlockEnergyFraction == 0)
    #expect(theory.superDiagonalDeviation < 1e-14)
    #expect(theory.ratioDeviation < 1e-14 && abs(theory.meanDiagonalRatio + 0.5) < 1e-14)
    #expect(theory.largestInactiveWeight == 0)
    // Singular values 2|c| five times, then 0 five times.
    #expect(theory.singularValues.count == 10)
    for (index, value) in theory.singularValues.enumerated() {
        #expect(abs(value - (index < 5 ? 2 * abs(c) : 0)) < 1e-12)
    }
}

@Test func unitaryZeroLossStructureHasZeroLoss() {
    // A = c·Q, B = Q with Q orthogonal: BᵀA = c·I and A·Bᵀ = c·I (orthogonal heads).
    var generator = SeededGenerator(seed: 41)
    let q = try! LinearAlgebra.orthogonalFactor(ofSquare: gaussianMatrix(10, 10, scale: 1, &generator))
    let c = 1.2
    var p = gaussianMatrix(20, 20, scale: 1, &generator)
    for t in 0..<19 {
        for key in 0...t { p[t, key] = 0 }
        p[t, t + 1] = 1 / c
    }
    let minimiser = DiagonalMultiHeadParameters(a: c * q, b: q, positionalWeights: p)
    #expect(abs(UnitaryPopulationLoss().loss(minimiser)) < 1e-12)
    #expect(abs(UnitaryPopulationLoss(variant: .reference).loss(minimiser)) < 1e-12)
    let theory = UnitaryTheoryMeasurements(minimiser)
    #expect(abs(theory.scale - c) < 1e-13)
    #expect(theory.productDeviation < 1e-12 && theory.headDeviation < 1e-12)
    #expect(theory.superDiagonalDeviation < 1e-13 && theory.largestInactiveWeight == 0)
}

@Test func measurementsSeeDeviations() throws {
    // Unitary: C = 2·I + 0.5·E_{01}, p_{t,t+1} = 0.5 except row 3 (0.6), p_{5,2} = −0.25.
    var c = 2 * Matrix.identity(4)
    c[0, 1] = 0.5
    var p = Matrix(rows: 8, columns: 8)
    for t in 0..<7 { p[t, t + 1] = 0.5 }
    p[3, 4] = 0.6
    p[5, 2] = -0.25
    p[7, 0] = 9  // row T−1 is not used by the loss
    let unitary = UnitaryTheoryMeasurements(
        DiagonalMultiHeadParameters(a: c, b: Matrix.identity(4), positionalWeights: p))
    #expect(abs(unitary.scale - 2) < 1e-15)
    #expect(abs(unitary.productDeviation - 0.25) < 1e-15)
    #expect(abs(unitary.superDiagonalDeviation - 0.2) < 1e-14)
    #expect(unitary.largestInactiveWeight == 0.25)

    // Rotations: C = J + 0.3·E_{0,3} (off-block), p_{t,t} = −0.5·p_{t,t+1} except row 2 (ratio −0.4).
    var blocks = Matrix(rows: 4, columns: 4)
    for i in 0..<4 { for j in 0..<4 where i / 2 == j / 2 { blocks[i, j] = 1 } }
    blocks[0, 3] = 0.3
    var q = Matrix(rows: 6, columns: 6)
    for t in 0..<5 { q[t, t + 1] = 1; q[t, t] = -0.5 }
    q[2, 2] = -0.4
    q[4, 1] = 0.125
    let rotations = try RotationTheoryMeasurements(
        DiagonalMultiHeadParameters(a: blocks, b: Matrix.identity(4), positionalWeights: q))
    #expect(abs(rotations.scale - 1) < 1e-15)
    #expect(abs(rotations.offBlockEnergyFraction - 0.09 / 8.09) < 1e-15)
    #expect(abs(rotations.ratioDeviation - 0.1) < 1e-14)
    #expect(abs(rotations.meanDiagonalRatio - (-2.4 / 5)) < 1e-14)
    #expect(rotations.largestInactiveWeight == 0.125)

    // The stuck runs' pattern: partners of the wrong sign. c keeps the diagonal's sign; the partners disagree.
    let wrongSign = Matrix(rows: 2, columns: 2, elements: [-2, 1.5, 1.5, -2])
    let stuck = try RotationTheoryMeasurements(
        DiagonalMultiHeadParameters(a: wrongSign, b: Matrix.identity(2), positionalWeights: Matrix(rows: 3, columns: 3)))
    #expect(stuck.scale == -2 && stuck.partnerScale == 1.5)
    #expect(abs(stuck.productDeviation - (2 * 1.75 * 1.75).squareRoot()) < 1e-14)
}

@Test func convergenceSeparatesTheMinimumFromThePlateau() {
    let parameters = DiagonalMultiHeadParameters(a: Matrix.identity(2), b: Matrix.identity(2),
                                                 positionalWeights: Matrix(rows: 3, columns: 3))
    func run(finalLoss: Double) -> GradientDescentResult {
        GradientDescentResult(parameters: parameters, recordedIterations: [0, 10], losses: [190, finalLoss])
    }
    #expect(hasConverged(run(finalLoss: 5e-6)))
    #expect(hasConverged(finalLoss: -1e-13))
    #expect(!hasConverged(run(finalLoss: 1.7)))
    #expect(!hasConverged(run(finalLoss: .nan)))
}
