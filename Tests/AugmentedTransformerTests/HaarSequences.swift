import AugmentedTransformer
import Numerics

/// Test data: s_{t+1} = W s_t with W Haar in O(d) (QR of a Gaussian matrix, signs fixed) and s_0 = 1_d/√d.
enum HaarSequences {
    static func make(count: Int, tokenCount: Int, dimension d: Int, seed: UInt64) -> (values: [Double],
                                                                                       shape: SequenceShape) {
        var generator = SeededGenerator(seed: seed)
        var values: [Double] = []
        values.reserveCapacity(count * tokenCount * d)
        for _ in 0..<count {
            let gaussian = Matrix(rows: d, columns: d, elements: (0..<(d * d)).map { _ in generator.nextGaussian() })
            let w = try! LinearAlgebra.orthogonalFactor(ofSquare: gaussian)
            var s = [Double](repeating: 1 / Double(d).squareRoot(), count: d)
            for _ in 0..<tokenCount {
                values += s
                s = w.applied(to: s)
            }
        }
        return (values, SequenceShape(count: count, tokenCount: tokenCount, dimension: d))
    }
}
