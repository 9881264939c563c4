import Testing
import NumericCore

/// The one Haar sampler: orthogonal matrices whose trace moments are Haar's (E tr W = 0, E (tr W)² = 1 on O(d),
/// Diaconis–Shahshahani), and sequences that follow s_{t+1} = W s_t from s_0 = 1/√d.
@Suite struct HaarSamplerTests {
    @Test func matricesAreOrthogonalWithHaarTraceMoments() throws {
        var generator = SeededGenerator(seed: 11)
        let d = 4, draws = 20_000
        var sum = 0.0, sumOfSquares = 0.0
        for _ in 0..<draws {
            let w = try HaarSampler.orthogonal(d, generator: &generator)
            let trace = (0..<d).reduce(0.0) { $0 + w[$1, $1] }
            sum += trace
            sumOfSquares += trace * trace
        }
        // Standard errors: √(1/N) for the mean; √(Var (tr W)²/N) ≤ √(2/N) for the second moment (E tr⁴ = 3 for d ≥ 4).
        #expect(abs(sum / Double(draws)) < 4 * (1 / Double(draws)).squareRoot())
        #expect(abs(sumOfSquares / Double(draws) - 1) < 4 * (2 / Double(draws)).squareRoot())
        let w = try HaarSampler.orthogonal(d, generator: &generator)
        for i in 0..<d { for j in 0..<d {
            let dot = (0..<d).reduce(0.0) { $0 + w[$1, i] * w[$1, j] }
            #expect(abs(dot - (i == j ? 1 : 0)) < 1e-12)
        } }
    }

    @Test func sequencesFollowTheirMatrixFromTheUniformStart() throws {
        var sequenceGenerator = SeededGenerator(seed: 3)
        var matrixGenerator = SeededGenerator(seed: 3)
        let values = try HaarSampler.sequences(count: 2, tokenCount: 6, dimension: 3, generator: &sequenceGenerator)
        #expect(values.count == 2 * 6 * 3)
        for sequence in 0..<2 {
            let w = try HaarSampler.orthogonal(3, generator: &matrixGenerator)
            let base = sequence * 18
            for i in 0..<3 { #expect(abs(values[base + i] - 1 / 3.0.squareRoot()) < 1e-15) }
            for t in 1..<6 {
                let previous = Array(values[(base + 3 * (t - 1))..<(base + 3 * t)])
                let expected = w.applied(to: previous)
                for i in 0..<3 { #expect(abs(values[base + 3 * t + i] - expected[i]) < 1e-14) }
            }
        }
    }
}
