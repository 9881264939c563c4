import GradientDescentBaselines

extension SequenceShape {
    /// Width of an augmented token, 3d.
    public var width: Int { 3 * dimension }
}

public enum AugmentedTokens {
    /// e_t = (0_d, s_t, s_{t−1}) with s_{−1} = 0, for t = 0 … n−1: a flat [count, n, 3d] array.
    public static func make<Scalar: BinaryFloatingPoint>(sequences: [Scalar], shape: SequenceShape) -> [Scalar] {
        precondition(sequences.count == shape.elementCount, "AugmentedTokens: \(sequences.count) values for \(shape)")
        var tokens = [Scalar](repeating: 0, count: shape.count * shape.positions * shape.width)
        sequences.withUnsafeBufferPointer { source in
            tokens.withUnsafeMutableBufferPointer { destination in
                for sequence in 0..<shape.count {
                    write(sequence: source.baseAddress! + sequence * shape.tokenCount * shape.dimension,
                          shape: shape,
                          tokens: destination.baseAddress! + sequence * shape.positions * shape.width,
                          targets: nil)
                }
            }
        }
        return tokens
    }

    /// Writes one sequence's augmented tokens [n, 3d] and, if asked, its targets s_1 … s_n [n, d].
    @inline(__always)
    static func write<Source: BinaryFloatingPoint, Scalar: BinaryFloatingPoint>(
        sequence: UnsafePointer<Source>, shape: SequenceShape, tokens: UnsafeMutablePointer<Scalar>,
        targets: UnsafeMutablePointer<Scalar>?
    ) {
        let d = shape.dimension, width = shape.width
        for t in 0..<shape.positions {
            let token = tokens + t * width
            for i in 0..<d {
                token[i] = 0
                token[d + i] = Scalar(sequence[t * d + i])
                token[2 * d + i] = t == 0 ? 0 : Scalar(sequence[(t - 1) * d + i])
            }
            if let targets {
                for i in 0..<d { targets[t * d + i] = Scalar(sequence[(t + 1) * d + i]) }
            }
        }
    }
}
