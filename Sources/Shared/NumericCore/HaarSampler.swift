/// Haar-distributed orthogonal matrices and the sequences they generate (PAPER.md §1): the one sampler of stages,
/// tests and bench, so all of them draw the same W from the same seed.
public enum HaarSampler {
    /// W = Q of the QR factorisation of a d×d standard Gaussian matrix, column signs fixed (orthogonalFactor):
    /// Haar on O(d). Draws d² Gaussians, row by row.
    public static func orthogonal(_ d: Int, generator: inout SeededGenerator) throws -> Matrix {
        let gaussian = Matrix(rows: d, columns: d, elements: (0..<(d * d)).map { _ in generator.nextGaussian() })
        return try LinearAlgebra.orthogonalFactor(ofSquare: gaussian)
    }

    /// `count` sequences s_{t+1} = W s_t, s_0 = 1_d/√d, each with its own Haar W: count × tokenCount × d values,
    /// sequence-major.
    public static func sequences(count: Int, tokenCount: Int, dimension d: Int,
                                 generator: inout SeededGenerator) throws -> [Double] {
        var values: [Double] = []
        values.reserveCapacity(count * tokenCount * d)
        for _ in 0..<count {
            let w = try orthogonal(d, generator: &generator)
            var s = [Double](repeating: 1 / Double(d).squareRoot(), count: d)
            for _ in 0..<tokenCount {
                values += s
                s = w.applied(to: s)
            }
        }
        return values
    }
}
