import NumericCore

/// The residual connection x ← x + f(x); its backward pass is the identity, so models pass ∂L/∂x through and let
/// each sublayer's backward add its part (`accumulate: true`).
public enum Residual {
    // target = target + source
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public static func add<Scalar: BLASScalar>(_ source: UnsafePointer<Scalar>, into target: UnsafeMutablePointer<Scalar>,
                                               count: Int) {
        for i in 0..<count { target[i] += source[i] }
    }
}
