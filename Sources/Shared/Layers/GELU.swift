import NumericCore

/// GELU in its tanh form (PyTorch approximate="tanh", GPT-2's MLP), elementwise. The forward pass keeps
/// τ = tanh(·) of each entry (`tangents`) so the backward pass costs no second tanh; entries are split over `workers`
/// threads (elementwise, so the bytes do not depend on the split).
public enum GELU {
    @usableFromInline static let root2OverPi = 0.7978845608028654

    // y = ½ x (1 + τ),   τ = tanh(√(2/π)(x + 0.044715 x³))
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public static func forward<Scalar: BLASScalar>(_ x: UnsafePointer<Scalar>, count: Int,
                                                   into y: UnsafeMutablePointer<Scalar>,
                                                   tangents: UnsafeMutablePointer<Scalar>, workers: Int = 1) {
        let c = Scalar(root2OverPi)
        forEachBlock(count, workers: workers) { _, range in
            for i in range { let v = x[i]; tangents[i] = c * (v + 0.044715 * v * v * v) }
            Scalar.hyperbolicTangents(tangents + range.lowerBound, count: range.count, into: tangents + range.lowerBound)
            for i in range { y[i] = 0.5 * x[i] * (1 + tangents[i]) }
        }
    }

    // ∂x = ∂y · (½(1 + τ) + ½ x (1 − τ²) √(2/π)(1 + 3·0.044715 x²))
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public static func backward<Scalar: BLASScalar>(input x: UnsafePointer<Scalar>, tangents: UnsafePointer<Scalar>,
                                                    outputGradient dy: UnsafePointer<Scalar>, count: Int,
                                                    inputGradient dx: UnsafeMutablePointer<Scalar>, workers: Int = 1) {
        let c = Scalar(root2OverPi)
        forEachBlock(count, workers: workers) { _, range in
            for i in range {
                let v = x[i], tau = tangents[i]
                let slope = 0.5 * (1 + tau) + 0.5 * v * (1 - tau * tau) * c * (1 + 3 * 0.044715 * v * v)
                dx[i] = dy[i] * slope
            }
        }
    }
}
