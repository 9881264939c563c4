import GradientDescentBaselines
import MultiHeadTransformer
import NumericCore
import Testing

// Figure 7's reference points come from the same InContextBaselines as Figure 5's; these pin them on the kind of
// sequences Figure 7 reads.

@Test func baselinesOnHaarSequences() throws {
    let d = 4, count = 20
    let short = haarSequences(count: count, tokenCount: 41, dimension: d, seed: 81)
    let long = haarSequences(count: count, tokenCount: 81, dimension: d, seed: 81)
    // Orthogonal W keeps ||s_t|| = ||s_0|| = 1, so predicting 0 costs exactly 1/d.
    #expect(abs(InContextBaselines.predictZero(short).meanSquaredError - 1 / Double(d)) < 1e-12)
    // Total squared errors of least squares: Ŵ_0 = 0 costs ||s_1||² = 1 per sequence; fewer than d pairs cannot
    // determine W (positive error); from d pairs on Ŵ_t = W exactly, so the 40 extra positions of `long` add 0.
    func total(_ set: TokenSequences) throws -> Double {
        try InContextBaselines.leastSquares(set).meanSquaredError * Double(set.count * set.shape.positions * d)
    }
    let shortTotal = try total(short), longTotal = try total(long)
    #expect(shortTotal > Double(count) + 1e-4)
    #expect(abs(longTotal - shortTotal) < 1e-9 * shortTotal, "\(shortTotal) vs \(longTotal)")
}

@Test func copyBaselineOnFixedAndFlippedSequences() throws {
    // W = I gives s_{t+1} = s_t (copy error 0); W = −I gives s_{t+1} = −s_t (copy error 4 per unit-norm token).
    let d = 3, tokens = 5
    let start = [0.6, 0.0, 0.8]
    let values = (0..<tokens).flatMap { _ in start } + (0..<tokens).flatMap { t in start.map { t % 2 == 0 ? $0 : -$0 } }
    let sequences = TokenSequences(count: 2, tokenCount: tokens, dimension: d, values: values)
    #expect(abs(InContextBaselines.copyLast(sequences).meanSquaredError - 2 / Double(d)) < 1e-12)
}
