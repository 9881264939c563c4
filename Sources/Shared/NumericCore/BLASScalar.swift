#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The element types the networks run in: Float32 for training (like the reference), Float64 for gradient checks.
///
/// A note on why the network code is generic: a finite-difference check in Float32 cannot tell a wrong gradient from
/// rounding (central differences lose about half the digits), so the same forward and backward code is compiled
/// for Double and checked there; training runs the Float specialisation.
public protocol BLASScalar: BinaryFloatingPoint, Sendable {
    /// Row-major C ← α·op(A)·op(B) + β·C, dispatched to sgemm or dgemm.
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
                     a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                     beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    static func exponential(_ x: Self) -> Self
    static func logarithm(_ x: Self) -> Self
    static func hyperbolicTangent(_ x: Self) -> Self
    /// y[i] = tanh(x[i]) over an array (`y` may be `x`): vectorised for Float, libm for Double (the gradient checks).
    static func hyperbolicTangents(_ x: UnsafePointer<Self>, count: Int, into y: UnsafeMutablePointer<Self>)
    /// Σ x[i]² accumulated in Double, in index order (a requirement, so generic callers reach concrete code).
    static func sumOfSquares(_ x: UnsafePointer<Self>, count: Int) -> Double
    /// x[i] ← x[i]·factor.
    static func scale(_ x: UnsafeMutablePointer<Self>, count: Int, by factor: Double)
}

extension Float: BLASScalar {
    @inline(__always)
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        LinearAlgebra.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                           a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    @inline(__always) public static func exponential(_ x: Float) -> Float { expf(x) }
    @inline(__always) public static func logarithm(_ x: Float) -> Float { logf(x) }
    @inline(__always) public static func hyperbolicTangent(_ x: Float) -> Float { tanhf(x) }
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
        var sum = 0.0
        for i in 0..<count { let v = Double(x[i]); sum += v * v }
        return sum
    }
    public static func scale(_ x: UnsafeMutablePointer<Float>, count: Int, by factor: Double) {
        let f = Float(factor)
        for i in 0..<count { x[i] *= f }
    }
    public static func hyperbolicTangents(_ x: UnsafePointer<Float>, count: Int, into y: UnsafeMutablePointer<Float>) {
        VectorFloatMath.tanh(x, count: count, into: y)
    }
}

extension Double: BLASScalar {
    @inline(__always)
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
                            a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                            beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        LinearAlgebra.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                           a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    @inline(__always) public static func exponential(_ x: Double) -> Double { exp(x) }
    @inline(__always) public static func logarithm(_ x: Double) -> Double { log(x) }
    @inline(__always) public static func hyperbolicTangent(_ x: Double) -> Double { tanh(x) }
    public static func sumOfSquares(_ x: UnsafePointer<Double>, count: Int) -> Double {
        var sum = 0.0
        for i in 0..<count { let v = x[i]; sum += v * v }
        return sum
    }
    public static func scale(_ x: UnsafeMutablePointer<Double>, count: Int, by factor: Double) {
        let f = Double(factor)
        for i in 0..<count { x[i] *= f }
    }
    public static func hyperbolicTangents(_ x: UnsafePointer<Double>, count: Int, into y: UnsafeMutablePointer<Double>) {
        for i in 0..<count { y[i] = tanh(x[i]) }
    }
}
