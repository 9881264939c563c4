import NumericCore

/// The directions of gradient descent on the in-context objective L_t(G) = Σ_{k=1}^{t} ||s_k − G s_{k−1}||².
///
/// With C_t = Σ_{k=1}^{t} s_k s_{k−1}ᵀ and P_t = Σ_{k=1}^{t} s_{k−1} s_{k−1}ᵀ, J steps of G ← G + η (C_t − G P_t) from
/// G = 0 (the factor 2 of the gradient is absorbed in η) give G_J = Σ_{j=1}^{J} (J choose j) (−1)^{j−1} η^j C_t P_t^{j−1},
/// so every J-step prediction G_J s_t is a polynomial in η whose coefficients are the vectors w_j(t) = C_t P_t^j s_t.
///
/// A note on computing w_j(t) for all t at once: with the Gram matrix K_{km} = ⟨s_k, s_m⟩ and
/// ρ_j[k, t] = ⟨s_k, P_t^j s_t⟩ (k < t, zero otherwise), ρ_0 = tril₋(K), ρ_j = tril₋(K ρ_{j−1}) and
/// w_j(t) = Σ_{k<t} ρ_j[k, t] s_{k+1}: a few n×n products per sequence instead of 5×5 products per position.
public enum DescentDirections {
    /// w_j(t) for j = 0 ..< powers and t = 0 ..< n of one sequence s_0 … s_n: `powers` arrays of [n, d].
    public static func compute(sequence: UnsafePointer<Double>, tokenCount: Int, dimension d: Int, powers: Int) -> [[Double]] {
        let n = tokenCount - 1
        var gram = [Double](repeating: 0, count: n * n)
        // K = S Sᵀ over s_0 … s_{n−1}
        LinearAlgebra.gemm(transposeA: false, transposeB: true, m: n, n: n, k: d, alpha: 1, a: sequence, lda: d,
                           b: sequence, ldb: d, beta: 0, c: &gram, ldc: n)
        var rho = gram
        maskStrictlyLower(&rho, n)
        var result: [[Double]] = []
        for power in 0..<powers {
            if power > 0 {
                // ρ_j = tril₋(K ρ_{j−1})
                var next = [Double](repeating: 0, count: n * n)
                LinearAlgebra.gemm(transposeA: false, transposeB: false, m: n, n: n, k: n, alpha: 1, a: gram, lda: n,
                                   b: rho, ldb: n, beta: 0, c: &next, ldc: n)
                maskStrictlyLower(&next, n)
                rho = next
            }
            // w_j(t) = Σ_k ρ_j[k, t] s_{k+1}:  W_j = ρ_jᵀ S_{1…n}
            var directions = [Double](repeating: 0, count: n * d)
            LinearAlgebra.gemm(transposeA: true, transposeB: false, m: n, n: d, k: n, alpha: 1, a: rho, lda: n,
                               b: sequence + d, ldb: d, beta: 0, c: &directions, ldc: d)
            result.append(directions)
        }
        return result
    }

    /// Keeps entries [k, t] with k < t (key strictly before the query position).
    private static func maskStrictlyLower(_ matrix: inout [Double], _ n: Int) {
        for k in 0..<n { for t in 0...k { matrix[k * n + t] = 0 } }
    }
}
