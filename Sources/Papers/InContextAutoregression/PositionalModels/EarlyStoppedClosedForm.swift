import NumericCore

/// Early-stopped gradient descent in closed form (PAPER.md §4).
///
/// By the K-form of the loss, ∂L/∂p_t = (2/(T−1)) K_t (p_t − e_{t+1}), so each row evolves independently:
///   p_t − e_{t+1} ← (I − α K_t)(p_t − e_{t+1}),  α = 2η/(T−1),
/// and from p_t = 0, after k steps,
///   p_t^{(k)} = [I − (I − α K_t)^k] e_{t+1}.
/// The factor 2/(T−1) comes from the mean over the T−1 predicting rows (and the batch) and from d|x|²/dx = 2x.
public enum EarlyStoppedClosedForm {
    /// P^{(k)} (T×T): row t from K_t for t = 0 … T−2, row T−1 and entries above the super-diagonal zero.
    /// `kernel` is the T×T empirical or population K.
    public static func weights(kernel: Matrix, learningRate: Double, steps: Int) -> Matrix {
        let size = kernel.rows
        let alpha = 2 * learningRate / Double(size - 1)
        var result = Matrix(rows: size, columns: size)
        for t in 0..<(size - 1) {
            let block = PositionalKernel.rowKernel(kernel, row: t)
            // M = I − α K_t
            let contraction = Matrix.identity(block.rows) - alpha * block
            let power = matrixPower(contraction, steps)
            // p = e_{t+1} − M^k e_{t+1}
            for key in 0...(t + 1) { result[t, key] = (key == t + 1 ? 1 : 0) - power[key, t + 1] }
        }
        return result
    }

    /// M^k by repeated squaring (BLAS products).
    static func matrixPower(_ matrix: Matrix, _ exponent: Int) -> Matrix {
        precondition(exponent >= 0, "matrixPower needs a non-negative exponent")
        var result = Matrix.identity(matrix.rows)
        var base = matrix
        var remaining = exponent
        while remaining > 0 {
            if remaining & 1 == 1 { result = result * base }
            remaining >>= 1
            if remaining > 0 { base = base * base }
        }
        return result
    }

    /// ||A − B||_F / ||B||_F.
    public static func relativeFrobeniusError(_ a: Matrix, reference b: Matrix) -> Double {
        (a - b).frobeniusNorm / b.frobeniusNorm
    }
}
