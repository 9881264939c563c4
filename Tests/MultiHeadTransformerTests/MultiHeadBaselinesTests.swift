import MultiHeadTransformer
import Numerics
import Testing

@Test func baselinesOnHaarSequences() throws {
    let d = 4
    let sequences = haarSequences(count: 20, tokenCount: 9, dimension: d, seed: 81)
    let baselines = try MultiHeadBaselines(sequences: sequences)
    // Orthogonal W keeps ||s_t|| = ||s_0|| = 1, so predicting 0 costs exactly 1/d at every position.
    #expect(baselines.zeroPerPosition.allSatisfy { abs($0 - 1 / Double(d)) < 1e-12 })
    // Ŵ_0 = 0 predicts 0.
    #expect(abs(baselines.inContextLeastSquaresPerPosition[0] - baselines.zeroPerPosition[0]) < 1e-12)
    // Fewer than d pairs cannot determine W; from d pairs on s_0 … s_{t−1} span R^d and Ŵ_t = W exactly.
    #expect(baselines.inContextLeastSquaresPerPosition[1..<d].allSatisfy { $0 > 1e-4 })
    #expect(baselines.inContextLeastSquaresPerPosition[d...].allSatisfy { $0 < 1e-20 })
}

@Test func copyBaselineOnFixedAndFlippedSequences() throws {
    // W = I gives s_{t+1} = s_t (copy error 0); W = −I gives s_{t+1} = −s_t (copy error 4 per unit-norm token).
    let d = 3, tokens = 5
    let start = [0.6, 0.0, 0.8]
    let values = (0..<tokens).flatMap { _ in start } + (0..<tokens).flatMap { t in start.map { t % 2 == 0 ? $0 : -$0 } }
    let sequences = MultiHeadSequences(count: 2, tokenCount: tokens, dimension: d, values: values)
    let baselines = try MultiHeadBaselines(sequences: sequences)
    #expect(baselines.copyPerPosition.allSatisfy { abs($0 - 4 / Double(2 * d)) < 1e-12 })
    #expect(abs(baselines.copy - 2 / Double(d)) < 1e-12)
}
