#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NumericCore

/// The kernel K of the row losses of the positional model (PAPER.md §4).
///
/// Derivation. With s_t = λ^t, |λ| = 1 and z = λ²: conj(s_t)·s_{t'}² = λ^{2t'−t} and s_{t+2} = λ^{t+2}, so
///   pred_t − s_{t+2} = λ^{−t} Σ_{t'} (p_{t'} − δ_{t',t+1}) z^{t'},
/// and since |λ^{−t}| = 1 the per-sequence row loss is |Σ_a v_a z^a|² = Σ_{a,b} v_a v_b Re(z^{a−b}) with
/// v = p − e_{t+1}. Averaging over the batch:
///   L_t(p) = (p − e_{t+1})ᵀ K_t (p − e_{t+1}),   K_{ab} = mean_i Re(s_{i,a}² · conj(s_{i,b}²)),
/// exactly (no additive constant), with K_t the leading (t+2)×(t+2) block (keys 0 … t+1). The total loss is
/// L(P) = 1/(T−1) Σ_{t=0}^{T−2} L_t(P[t, 0…t+1]). For the population, z^{a−b} = e^{iψ(a−b)} with ψ = 2θ/μ uniform
/// on [0, ω), ω = 4π/μ, and E cos(ψ k) = sin(kω)/(kω): the Toeplitz "sinc" kernel.
public enum PositionalKernel {
    /// Empirical K (T×T, keys 0 … T−1) of a batch: K = Re(Uᴴ U)/b with U_{i,a} = s_{i,a}².
    public static func empirical(of sequences: PhaseSequences) -> Matrix {
        let size = sequences.tokens - 1, b = sequences.count
        var keys = Matrix(rows: 2 * b, columns: size)
        for i in 0..<b {
            for a in 0..<size {
                let square = sequences[i, a] * sequences[i, a]
                keys[i, a] = square.real
                keys[b + i, a] = square.imaginary
            }
        }
        // Re(Uᴴ U) = U_reᵀ U_re + U_imᵀ U_im = (stacked U)ᵀ (stacked U)
        return (1 / Double(b)) * keys.multiplied(by: keys, transposeSelf: true)
    }

    /// Population K_{ab} = sin((a−b)ω)/((a−b)ω), ω = 4π/μ, K_{aa} = 1, of size `size`.
    public static func population(size: Int, mu: Double) -> Matrix {
        let omega = 4 * Double.pi / mu
        var kernel = Matrix(rows: size, columns: size)
        for a in 0..<size {
            for b in 0..<size {
                let x = Double(a - b) * omega
                kernel[a, b] = a == b ? 1 : sin(x) / x
            }
        }
        return kernel
    }

    /// K_t: the leading (t+2)×(t+2) block of K, the kernel of row t (keys 0 … t+1).
    public static func rowKernel(_ kernel: Matrix, row: Int) -> Matrix {
        let n = row + 2
        precondition(n <= kernel.rows, "row \(row) needs keys 0…\(row + 1), the kernel has only \(kernel.rows)")
        var block = Matrix(rows: n, columns: n)
        for a in 0..<n { for b in 0..<n { block[a, b] = kernel[a, b] } }
        return block
    }

    /// L_t(p) = (p − e_{t+1})ᵀ K_t (p − e_{t+1}) with p = P[t, 0…t+1].
    public static func rowLoss(weights: Matrix, row: Int, kernel: Matrix) -> Double {
        let n = row + 2
        var v = (0..<n).map { weights[row, $0] }
        v[row + 1] -= 1
        let kv = rowKernel(kernel, row: row).applied(to: v)
        return zip(v, kv).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// L(P) = 1/(T−1) Σ_{t=0}^{T−2} L_t, the model loss in K-form.
    public static func loss(weights: Matrix, kernel: Matrix) -> Double {
        let rows = weights.rows - 1
        var total = 0.0
        for t in 0..<rows { total += rowLoss(weights: weights, row: t, kernel: kernel) }
        return total / Double(rows)
    }

    /// λ_max / λ_min of a symmetric positive semi-definite matrix, from LAPACK dsyev; +∞ when the matrix is singular
    /// to working precision (λ_min ≤ n·ε·λ_max).
    ///
    /// A note on what this can measure: dsyev finds λ_min only to about n·ε·λ_max ≈ 1e-15 here, so any ratio beyond
    /// ~1e15 would be round-off, not a property of K (a value "≈ 1e18" is such an artefact). Fig. 6's kernels are far
    /// beyond that: in 120-digit arithmetic the population K (T = 30) has cond ≈ 4e69, 2e87, 8e104, 1e115 for
    /// μ = 50, 100, 200, 300. We report +∞ rather than a meaningless finite number.
    public static func conditionNumber(of kernel: Matrix) throws -> Double {
        let eigenvalues = try LinearAlgebra.symmetricEigenvalues(of: kernel)
        guard let smallest = eigenvalues.first, let largest = eigenvalues.last, largest > 0 else { return .infinity }
        let resolution = Double(kernel.rows) * Double.ulpOfOne * largest
        return smallest <= resolution ? .infinity : largest / smallest
    }
}
