import ComplexModule
import RealModule
import NumericCore

/// The positional-encoding-only model of Fig. 6 (PAPER.md §4), on one fixed batch of `phase` sequences.
///
/// The only parameter is the matrix of positional weights P ∈ R^{T×T}, T = tokens − 1. Row t (t = 0 … T−2) predicts
/// s_{t+2} with the query s_t and keys/values s_{t'} for t' ≤ t+1:
///   pred_t = Σ_{t' ≤ t+1} P[t,t'] · conj(s_t) · s_{t'} · s_{t'},
///   L(P) = 1/(b(T−1)) Σ_i Σ_{t=0}^{T−2} |pred_{i,t} − s_{i,t+2}|².
/// Entries above the first super-diagonal are ignored (their gradient is 0), and so is row T−1, whose prediction
/// would need s_{T+1}; from P = 0 they stay 0. This is exactly the reference's mask (tril + first super-diagonal,
/// T×T) and its loss (`predictions[:, :-1]` against `D[:, 2:]`, mean over batch and rows).
public struct PositionalModel: Sendable {
    /// T: the size of P and the number of input tokens s_0 … s_{T−1}.
    public let size: Int
    /// b: the number of sequences.
    public let count: Int
    /// The values s_{t'}² of every key, stacked as a real 2b × T matrix: rows 0..<b real parts, rows b..<2b
    /// imaginary parts. A complex product U·Pᵀ is then one real dgemm.
    private let squaredKeys: Matrix
    private let sequences: PhaseSequences

    public init(sequences: PhaseSequences) {
        precondition(sequences.tokens >= 3, "PositionalModel needs at least 3 tokens per sequence")
        let size = sequences.tokens - 1
        let count = sequences.count
        var keys = Matrix(rows: 2 * count, columns: size)
        for i in 0..<count {
            for t in 0..<size {
                let s = sequences[i, t]
                let square = s * s
                keys[i, t] = square.real
                keys[count + i, t] = square.imaginary
            }
        }
        self.size = size
        self.count = count
        self.squaredKeys = keys
        self.sequences = sequences
    }

    /// Number of rows that make a prediction (and enter the mean): T − 1.
    public var predictingRows: Int { size - 1 }

    /// Whether P[row, key] takes part in the model: key ≤ row + 1 (and key < T).
    public static func isActive(row: Int, key: Int) -> Bool { key <= row + 1 }

    /// P with the inactive entries set to 0.
    public func masked(_ weights: Matrix) -> Matrix {
        precondition(weights.rows == size && weights.columns == size, "positional weights must be \(size)×\(size)")
        var result = weights
        for t in 0..<size { for key in 0..<size where !Self.isActive(row: t, key: key) { result[t, key] = 0 } }
        return result
    }

    /// L(P).
    public func loss(_ weights: Matrix) -> Double { lossAndGradient(weights, needsGradient: false).loss }

    /// L(P) and ∂L/∂P (zero on inactive entries and on row T−1).
    public func lossAndGradient(_ weights: Matrix) -> (loss: Double, gradient: Matrix) {
        let result = lossAndGradient(weights, needsGradient: true)
        return (result.loss, result.gradient!)
    }

    private func lossAndGradient(_ weights: Matrix, needsGradient: Bool) -> (loss: Double, gradient: Matrix?) {
        let b = count, size = self.size, tokens = sequences.tokens
        let active = masked(weights)
        // V = U·Pᵀ, i.e. V_{i,t} = Σ_{t'} P[t,t'] s_{i,t'}² (real and imaginary parts stacked).
        let values = squaredKeys.multiplied(by: active, transposeOther: true)
        // A note on the normalisation: the reference takes jnp.mean over (batch, rows, 1 coordinate).
        let scale = 1 / Double(b * predictingRows)
        var loss = 0.0
        // G_{i,t} = (2/(b(T−1))) · s_{i,t} · r_{i,t}, stacked like U; row T−1 has no target and stays 0.
        var residualWeights = Matrix(rows: 2 * b, columns: size)
        for i in 0..<b {
            let base = i * tokens
            for t in 0..<predictingRows {
                let query = Complex(sequences.real[base + t], sequences.imaginary[base + t])
                let target = Complex(sequences.real[base + t + 2], sequences.imaginary[base + t + 2])
                // pred_{i,t} = conj(s_{i,t}) · V_{i,t}
                let prediction = query.conjugate * Complex(values[i, t], values[b + i, t])
                // r_{i,t} = pred_{i,t} − s_{i,t+2}
                let residual = prediction - target
                loss += residual.lengthSquared
                if needsGradient {
                    let g = (query * residual).multiplied(by: 2 * scale)
                    residualWeights[i, t] = g.real
                    residualWeights[b + i, t] = g.imaginary
                }
            }
        }
        guard needsGradient else { return (loss * scale, nil) }
        // ∂L/∂P[t,t'] = Σ_i Re(conj(G_{i,t}) · s_{i,t'}²) = (Gᵀ U)[t,t'] with the stacked real layout.
        let gradient = residualWeights.multiplied(by: squaredKeys, transposeSelf: true)
        return (loss * scale, masked(gradient))
    }
}
