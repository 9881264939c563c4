import NumericCore

/// Is one sequence s_0 … s_{T-1} autoregressive? Fit s_{t+1} ≈ Â s_t by least squares and regenerate it from s_0.
///
/// A note on what the fit can show: with T - 1 = 4 pairs in d = 384 dimensions the inputs s_0 … s_3 are linearly
/// independent unless a token repeats, and then the minimum-norm Â maps every s_t to s_{t+1} exactly, so the
/// regeneration ŝ_{t+1} = Â ŝ_t reproduces the whole sequence (MSE at rounding level). The MSE is positive only when
/// a repeated token is followed by different tokens (s_i = s_j but s_{i+1} ≠ s_{j+1}): Â then sends s_i to the
/// average of its successors, and the regeneration drifts from there on.
public enum AutoregressiveFit {
    /// S_in⁺ (d × (T-1)), the pseudo-inverse of S_in, whose rows are s_0 … s_{T-2}: the minimum-norm least-squares
    /// solution Y of S_in Y ≈ I, with singular values below max(T-1, d) · ε dropped (as numpy and torch do).
    public static func inputPseudoInverse(of sequence: Matrix) throws -> Matrix {
        let pairs = sequence.rows - 1, d = sequence.columns
        precondition(pairs >= 1, "AutoregressiveFit needs a sequence of at least two tokens")
        let inputs = Matrix(rows: pairs, columns: d, elements: Array(sequence.elements[0..<(pairs * d)]))
        return try LinearAlgebra.leastSquares(
            inputs, Matrix.identity(pairs),
            relativeCutoff: LinearAlgebra.defaultRelativeCutoff(rows: pairs, columns: d))
    }

    /// Â = S_outᵀ (S_in⁺)ᵀ, the minimum-norm solution of min ||S_in Âᵀ − S_out||_F (rows of S_out: s_1 … s_{T-1}).
    public static func transitionMap(of sequence: Matrix) throws -> Matrix {
        outputs(of: sequence).multiplied(by: try inputPseudoInverse(of: sequence), transposeSelf: true,
                                         transposeOther: true)
    }

    /// ŝ_0 = start, ŝ_{t+1} = Â ŝ_t, as a length × d matrix (row t = ŝ_t).
    public static func regenerated(from start: [Double], transitionMap: Matrix, length: Int) -> Matrix {
        let d = start.count
        precondition(transitionMap.rows == d && transitionMap.columns == d, "regenerated: map and token sizes differ")
        var result = Matrix(rows: length, columns: d)
        result.elements.replaceSubrange(0..<d, with: start)
        result.elements.withUnsafeMutableBufferPointer { rows in
            for t in 1..<length {
                LinearAlgebra.gemm(transposeA: false, transposeB: false, m: d, n: 1, k: d, alpha: 1,
                                   a: transitionMap.elements, lda: d, b: rows.baseAddress! + (t - 1) * d, ldb: 1,
                                   beta: 0, c: rows.baseAddress! + t * d, ldc: 1)
            }
        }
        return result
    }

    /// The regeneration from s_0 without forming the d × d map: ŝ_{t+1}ᵀ = ŝ_tᵀ (S_in⁺ S_out) = (ŝ_tᵀ S_in⁺) S_out.
    ///
    /// A note on cost: forming Â for d = 384 takes a d × d solve per sequence (about 3 ms); going through the
    /// T-1 coefficients ŝ_tᵀ S_in⁺ gives the same numbers for O(T d) per step.
    public static func regeneratedSequence(of sequence: Matrix) throws -> Matrix {
        let length = sequence.rows, d = sequence.columns, pairs = length - 1
        let pseudoInverse = try inputPseudoInverse(of: sequence)
        let successors = outputs(of: sequence)
        var result = Matrix(rows: length, columns: d)
        result.elements.replaceSubrange(0..<d, with: sequence.elements[0..<d])
        var coefficients = [Double](repeating: 0, count: pairs)
        result.elements.withUnsafeMutableBufferPointer { rows in
            for t in 1..<length {
                // c = ŝ_{t-1}ᵀ S_in⁺
                LinearAlgebra.gemm(transposeA: false, transposeB: false, m: 1, n: pairs, k: d, alpha: 1,
                                   a: rows.baseAddress! + (t - 1) * d, lda: d, b: pseudoInverse.elements,
                                   ldb: pairs, beta: 0, c: &coefficients, ldc: pairs)
                // ŝ_tᵀ = c S_out
                LinearAlgebra.gemm(transposeA: false, transposeB: false, m: 1, n: d, k: pairs, alpha: 1,
                                   a: coefficients, lda: pairs, b: successors.elements, ldb: d,
                                   beta: 0, c: rows.baseAddress! + t * d, ldc: d)
            }
        }
        return result
    }

    /// MSE = 1 / ((T-1) d) · Σ_{t=1}^{T-1} ||ŝ_t − s_t||², over the T - 1 regenerated tokens.
    ///
    /// A note on the normalisation: the reference averages over all T tokens, s_0 included (whose error is zero by
    /// construction), which gives (T-1)/T = 0.8 times this value; on the log-scale histogram a shift of log10(1.25).
    public static func regenerationError(of sequence: Matrix) throws -> Double {
        let regeneration = try regeneratedSequence(of: sequence)
        var sum = 0.0
        for i in sequence.columns..<sequence.elements.count {
            let difference = regeneration.elements[i] - sequence.elements[i]
            sum += difference * difference
        }
        return sum / Double((sequence.rows - 1) * sequence.columns)
    }

    private static func outputs(of sequence: Matrix) -> Matrix {
        Matrix(rows: sequence.rows - 1, columns: sequence.columns, elements: Array(sequence.elements[sequence.columns...]))
    }
}
