import AugmentedTransformer
import GradientDescentBaselines
import NumericCore

/// Test data: s_{t+1} = W s_t with W Haar in O(d) (QR of a Gaussian matrix, signs fixed) and s_0 = 1_d/√d.
enum HaarSequences {
    static func make(count: Int, tokenCount: Int, dimension d: Int, seed: UInt64) -> (values: [Double],
                                                                                       shape: SequenceShape) {
        var generator = SeededGenerator(seed: seed)
        let values = try! HaarSampler.sequences(count: count, tokenCount: tokenCount, dimension: d, generator: &generator)
        return (values, SequenceShape(count: count, tokenCount: tokenCount, dimension: d))
    }
}
