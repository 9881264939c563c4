/// Causal linear attention of one sequence, without softmax:
///   H_t = Σ_{k≤t} ((q_t · k_k) / √D) v_k,   i.e.   S = tril(Q Kᵀ) / √D,   H = S V.
///
/// Q, K, V are the three column blocks of one [T, 3D] projection buffer (row stride 3D), so the layer computes all
/// three with one product over the batch's rows; Kᵀ and Vᵀ are also given feature-major ([D, T] blocks of a
/// [2D, rows] buffer, row stride `transposedStride`), computed by one more product over the batch.
///
/// A note on the form: for T = 50 and D = 15 the score form (T×T×D products per sequence, half of S masked) runs
/// entirely in sgemm, whereas the prefix-sum form M_t = M_{t−1} + k_t v_tᵀ would need T rank-one updates and
/// matrix-vector products per sequence.
///
/// A note on the layouts: OpenBLAS 0.3.21 sends these small products to its dedicated small-matrix kernels only when
/// the (row-major) B operand is not transposed or the inner dimension is ≥ 32; a row-major A·Bᵀ with inner dimension
/// D = 15 takes the general path, whose packing costs more than the product. Keeping Kᵀ and Vᵀ feature-major makes
/// Q Kᵀ and ∂H Vᵀ plain products, and the two transposed-A products (Sᵀ ∂H, ∂Sᵀ Q) are of the kind the small
/// kernels take.
enum CausalLinearAttention {
    /// S = tril(Q Kᵀ)/√D into `scores` [T, T]; H = S V into `heads` [T, D] (row stride D).
    @inline(__always)
    static func forward<Scalar: TransformerScalar>(projections: UnsafePointer<Scalar>,
                                                   transposedKeys: UnsafePointer<Scalar>, transposedStride: Int,
                                                   positions: Int, width: Int,
                                                   scores: UnsafeMutablePointer<Scalar>,
                                                   heads: UnsafeMutablePointer<Scalar>) {
        let stride = 3 * width
        let queries = projections, values = projections + 2 * width
        let scale = 1 / Scalar(width).squareRoot()
        // S = Q Kᵀ / √D, then future keys (k > t) contribute 0.
        Scalar.gemm(transposeA: false, transposeB: false, m: positions, n: positions, k: width, alpha: scale,
                    a: queries, lda: stride, b: transposedKeys, ldb: transposedStride, beta: 0, c: scores,
                    ldc: positions)
        keepLowerTriangle(scores, positions: positions)
        // H = S V
        Scalar.gemm(transposeA: false, transposeB: false, m: positions, n: width, k: positions, alpha: 1,
                    a: scores, lda: positions, b: values, ldb: stride, beta: 0, c: heads, ldc: width)
    }

    /// Given ∂L/∂H, writes ∂L/∂Q, ∂L/∂K, ∂L/∂V into the column blocks of `projectionGradient` [T, 3D]:
    ///   ∂V = Sᵀ ∂H,   ∂S = tril(∂H Vᵀ)/√D,   ∂Q = ∂S K,   ∂K = ∂Sᵀ Q.
    @inline(__always)
    static func backward<Scalar: TransformerScalar>(projections: UnsafePointer<Scalar>,
                                                    transposedValues: UnsafePointer<Scalar>, transposedStride: Int,
                                                    scores: UnsafePointer<Scalar>,
                                                    headGradient: UnsafePointer<Scalar>, positions: Int, width: Int,
                                                    scoreGradient: UnsafeMutablePointer<Scalar>,
                                                    projectionGradient: UnsafeMutablePointer<Scalar>) {
        let stride = 3 * width
        let queries = projections, keys = projections + width
        let scale = 1 / Scalar(width).squareRoot()
        // ∂V = Sᵀ ∂H
        Scalar.gemm(transposeA: true, transposeB: false, m: positions, n: width, k: positions, alpha: 1,
                    a: scores, lda: positions, b: headGradient, ldb: width, beta: 0,
                    c: projectionGradient + 2 * width, ldc: stride)
        // ∂S = tril(∂H Vᵀ) / √D
        Scalar.gemm(transposeA: false, transposeB: false, m: positions, n: positions, k: width, alpha: scale,
                    a: headGradient, lda: width, b: transposedValues, ldb: transposedStride, beta: 0,
                    c: scoreGradient, ldc: positions)
        keepLowerTriangle(scoreGradient, positions: positions)
        // ∂Q = ∂S K
        Scalar.gemm(transposeA: false, transposeB: false, m: positions, n: width, k: positions, alpha: 1,
                    a: scoreGradient, lda: positions, b: keys, ldb: stride, beta: 0,
                    c: projectionGradient, ldc: stride)
        // ∂K = ∂Sᵀ Q
        Scalar.gemm(transposeA: true, transposeB: false, m: positions, n: width, k: positions, alpha: 1,
                    a: scoreGradient, lda: positions, b: queries, ldb: stride, beta: 0,
                    c: projectionGradient + width, ldc: stride)
    }

    /// Zeroes entries [t, k] with k > t (a key after the query).
    @inline(__always)
    static func keepLowerTriangle<Scalar: TransformerScalar>(_ matrix: UnsafeMutablePointer<Scalar>, positions: Int) {
        for t in 0..<positions {
            let row = matrix + t * positions
            for k in (t + 1)..<max(t + 1, positions) { row[k] = 0 }
        }
    }
}
