import AugmentedTransformer
import GradientDescentBaselines
import Testing

@Suite struct AugmentedTokensTests {
    @Test func tokensAreZeroCurrentPrevious() {
        // Two sequences, d = 2, tokens s_0 … s_3: value = 100·sequence + 10·t + i.
        let shape = SequenceShape(count: 2, tokenCount: 4, dimension: 2)
        var values: [Double] = []
        for sequence in 0..<2 { for t in 0..<4 { for i in 0..<2 { values.append(Double(100 * sequence + 10 * t + i)) } } }
        let tokens = AugmentedTokens.make(sequences: values, shape: shape)
        #expect(tokens.count == 2 * 3 * 6)
        for sequence in 0..<2 {
            for t in 0..<3 {
                let token = Array(tokens[((sequence * 3 + t) * 6)..<((sequence * 3 + t) * 6 + 6)])
                let current = (0..<2).map { Double(100 * sequence + 10 * t + $0) }
                let previous = t == 0 ? [0.0, 0.0] : (0..<2).map { Double(100 * sequence + 10 * (t - 1) + $0) }
                #expect(token == [0, 0] + current + previous)
            }
        }
    }
}
