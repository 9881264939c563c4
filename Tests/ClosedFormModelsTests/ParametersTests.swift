import ClosedFormModels
import NumericCore
import Testing

@Test func initialisationDrawsAThenBThenPRowMajor() {
    var generator = SeededGenerator(seed: 11)
    let parameters = DiagonalMultiHeadParameters(heads: 3, dimension: 4, contextLength: 5, generator: &generator)
    var replay = SeededGenerator(seed: 11)
    let expected = (0..<(3 * 4 + 3 * 4 + 5 * 5)).map { _ in 0.1 * replay.nextGaussian() }
    #expect(parameters.a.elements == Array(expected[0..<12]))
    #expect(parameters.b.elements == Array(expected[12..<24]))
    #expect(parameters.positionalWeights.elements == Array(expected[24...]))
    #expect(parameters.heads == 3 && parameters.dimension == 4 && parameters.contextLength == 5)
    // The generator is advanced by exactly the draws made, so a caller can continue the stream.
    #expect(generator.nextGaussian() == replay.nextGaussian())
}

@Test func productIsBTransposeA() {
    var generator = SeededGenerator(seed: 3)
    let parameters = DiagonalMultiHeadParameters(heads: 3, dimension: 4, contextLength: 2, scale: 1,
                                                 generator: &generator)
    let c = parameters.product
    for i in 0..<4 {
        for j in 0..<4 {
            // C_ij = Σ_h B_hi·A_hj
            let sum = (0..<3).reduce(0.0) { $0 + parameters.b[$1, i] * parameters.a[$1, j] }
            #expect(abs(c[i, j] - sum) < 1e-14)
        }
    }
}
