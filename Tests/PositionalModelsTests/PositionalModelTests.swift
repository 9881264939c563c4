import ComplexModule
import RealModule
import NumericCore
import PositionalModels
import Testing

/// Random positional weights (every entry, active or not) of size T.
func randomWeights(size: Int, scale: Double, generator: inout SeededGenerator) -> Matrix {
    Matrix(rows: size, columns: size, elements: (0..<(size * size)).map { _ in scale * generator.nextGaussian() })
}

/// The model loss written as a plain loop over sequences, rows and keys, straight from PAPER.md §4.
func naiveLoss(weights: Matrix, sequences: PhaseSequences) -> Double {
    let size = sequences.tokens - 1
    var total = 0.0
    for i in 0..<sequences.count {
        for t in 0...(size - 2) {
            var prediction = Complex<Double>.zero
            for key in 0...(t + 1) {
                prediction = prediction + (sequences[i, t].conjugate * sequences[i, key] * sequences[i, key]).multiplied(by: weights[t, key])
            }
            total += (prediction - sequences[i, t + 2]).lengthSquared
        }
    }
    return total / Double(sequences.count * (size - 1))
}

@Test func modelLossMatchesTheFormulaAndIsOneAtZero() {
    var generator = SeededGenerator(seed: 3)
    let sequences = PhaseSequences.sample(count: 17, mu: 4, steps: 8, generator: &generator)
    let model = PositionalModel(sequences: sequences)
    #expect(model.size == 8)
    // At P = 0 every residual is −s_{t+2}, of modulus 1.
    #expect(abs(model.loss(Matrix(rows: 8, columns: 8)) - 1) < 1e-14)
    let weights = randomWeights(size: 8, scale: 0.3, generator: &generator)
    let expected = naiveLoss(weights: weights, sequences: sequences)
    #expect(abs(model.loss(weights) - expected) < 1e-12 * expected)
}

@Test func gradientMatchesCentralFiniteDifferences() {
    var generator = SeededGenerator(seed: 4)
    let sequences = PhaseSequences.sample(count: 13, mu: 3, steps: 7, generator: &generator)
    let model = PositionalModel(sequences: sequences)
    let weights = randomWeights(size: 7, scale: 0.4, generator: &generator)
    let (_, gradient) = model.lossAndGradient(weights)
    // The loss is quadratic in P, so central differences are exact up to round-off: error ≈ 1e-16 · L / h.
    let h = 1e-5
    var largestError = 0.0
    var largestEntry = 0.0
    for index in weights.elements.indices {
        var plus = weights, minus = weights
        plus.elements[index] += h
        minus.elements[index] -= h
        let numeric = (model.loss(plus) - model.loss(minus)) / (2 * h)
        largestError = max(largestError, abs(numeric - gradient.elements[index]))
        largestEntry = max(largestEntry, abs(numeric))
    }
    #expect(largestEntry > 0.01)
    #expect(largestError < 1e-8)
    // Inactive entries (above the super-diagonal, and the whole last row) get no gradient.
    for t in 0..<7 { for key in 0..<7 where key > t + 1 || t == 6 { #expect(gradient[t, key] == 0) } }
}
