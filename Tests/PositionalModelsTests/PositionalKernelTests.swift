import NumericCore
import PositionalModels
import Testing

@Test func kernelFormEqualsTheDirectLossOnTheBatch() {
    var generator = SeededGenerator(seed: 5)
    let sequences = PhaseSequences.sample(count: 40, mu: 6, steps: 9, generator: &generator)
    let model = PositionalModel(sequences: sequences)
    let kernel = PositionalKernel.empirical(of: sequences)
    for _ in 0..<3 {
        let weights = randomWeights(size: 9, scale: 0.5, generator: &generator)
        let direct = model.loss(weights)
        #expect(abs(PositionalKernel.loss(weights: weights, kernel: kernel) - direct) < 1e-12 * direct)
    }
    // The empirical kernel is Toeplitz with unit diagonal.
    for a in 0..<9 { for b in 0..<9 {
        #expect(abs(kernel[a, b] - kernel[abs(a - b), 0]) < 1e-13)
    } }
    #expect(abs(kernel[0, 0] - 1) < 1e-14)
}

@Test func populationKernelFormMatchesMonteCarlo() {
    // A small μ so that ω = 4π/μ is large and K is far from the all-ones matrix.
    let mu = 5.0, steps = 8, samples = 4000
    var generator = SeededGenerator(seed: 6)
    let weights = randomWeights(size: steps, scale: 0.5, generator: &generator)
    let sequences = PhaseSequences.sample(count: samples, mu: mu, steps: steps, generator: &generator)
    // Per-sequence losses of the model, each a one-sequence batch.
    var sum = 0.0, sumOfSquares = 0.0
    for i in 0..<samples {
        let one = PhaseSequences(count: 1, tokens: steps + 1,
                                 real: Array(sequences.real[(i * (steps + 1))..<((i + 1) * (steps + 1))]),
                                 imaginary: Array(sequences.imaginary[(i * (steps + 1))..<((i + 1) * (steps + 1))]))
        let loss = naiveLoss(weights: weights, sequences: one)
        sum += loss
        sumOfSquares += loss * loss
    }
    let mean = sum / Double(samples)
    let standardError = ((sumOfSquares / Double(samples) - mean * mean) / Double(samples - 1)).squareRoot()
    let predicted = PositionalKernel.loss(weights: weights, kernel: PositionalKernel.population(size: steps, mu: mu))
    #expect(abs(predicted - mean) < 4 * standardError)
    // Power check: the kernel with a wrong frequency (ω = 2π/μ, i.e. forgetting that z = λ²) is far outside.
    let wrong = PositionalKernel.loss(weights: weights, kernel: PositionalKernel.population(size: steps, mu: 2 * mu))
    #expect(abs(wrong - mean) > 10 * standardError)
}

@Test func conditionNumberOfKnownMatrices() throws {
    var diagonal = Matrix.identity(3)
    diagonal[1, 1] = 1e-3
    diagonal[2, 2] = 4
    #expect(abs(try PositionalKernel.conditionNumber(of: diagonal) - 4e3) < 1e-9)
    // The population kernel of a large ω is close to the identity, hence well conditioned.
    #expect(try PositionalKernel.conditionNumber(of: PositionalKernel.population(size: 5, mu: 0.5)) < 1.5)
    // A rank-one matrix is singular to working precision.
    let rankOne = Matrix(rows: 2, columns: 2, elements: [1, 1, 1, 1])
    #expect(try PositionalKernel.conditionNumber(of: rankOne) == .infinity)
}
