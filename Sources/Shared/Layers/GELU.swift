import Numerics

/// GELU in its tanh form (PyTorch approximate="tanh", GPT-2's MLP), elementwise.
public enum GELU {
    @usableFromInline static let root2OverPi = 0.7978845608028654

    // y = ½ x (1 + tanh(√(2/π)(x + 0.044715 x³)))
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public static func forward<Scalar: BLASScalar>(_ x: UnsafePointer<Scalar>, count: Int,
                                                   into y: UnsafeMutablePointer<Scalar>) {
        let c = Scalar(root2OverPi)
        for i in 0..<count {
            let v = x[i]
            y[i] = 0.5 * v * (1 + Scalar.hyperbolicTangent(c * (v + 0.044715 * v * v * v)))
        }
    }

    // ∂x = ∂y · (½(1 + τ) + ½ x (1 − τ²) √(2/π)(1 + 3·0.044715 x²)),  τ = tanh(√(2/π)(x + 0.044715 x³))
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public static func backward<Scalar: BLASScalar>(input x: UnsafePointer<Scalar>,
                                                    outputGradient dy: UnsafePointer<Scalar>, count: Int,
                                                    inputGradient dx: UnsafeMutablePointer<Scalar>) {
        let c = Scalar(root2OverPi)
        for i in 0..<count {
            let v = x[i]
            let tau = Scalar.hyperbolicTangent(c * (v + 0.044715 * v * v * v))
            let slope = 0.5 * (1 + tau) + 0.5 * v * (1 - tau * tau) * c * (1 + 3 * 0.044715 * v * v)
            dx[i] = dy[i] * slope
        }
    }
}
