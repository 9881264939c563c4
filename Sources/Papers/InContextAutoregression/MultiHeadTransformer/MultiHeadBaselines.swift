import Numerics

/// Reference predictors on the same sequences and loss as the §6 model (mean over positions t = 0 … T−1 and
/// coordinates of (ŝ_{t+1} − s_{t+1})², inputs s_0 … s_t).
public struct MultiHeadBaselines: Sendable {
    /// ŝ_{t+1} = 0.
    public let zero: Double
    /// ŝ_{t+1} = s_t.
    public let copy: Double
    /// ŝ_{t+1} = Ŵ_t s_t with Ŵ_t the minimum-norm least-squares fit of s_k ≈ Ŵ s_{k−1}, k = 1 … t, on the sequence
    /// itself (Ŵ_0 = 0): the in-context estimate of W at each position.
    public let inContextLeastSquares: Double
    /// The same three, per position t.
    public let zeroPerPosition: [Double]
    public let copyPerPosition: [Double]
    public let inContextLeastSquaresPerPosition: [Double]

    public init(sequences: MultiHeadSequences) throws {
        let d = sequences.dimension, t = sequences.tokenCount - 1
        precondition(t > 0, "MultiHeadBaselines: sequences need at least two tokens")
        var zero = [Double](repeating: 0, count: t), copy = zero, leastSquares = zero
        for n in 0..<sequences.count {
            func token(_ k: Int) -> [Double] { (0..<d).map { sequences[n, k, $0] } }
            for position in 0..<t {
                let target = token(position + 1), current = token(position)
                var estimate = [Double](repeating: 0, count: d)
                if position > 0 {
                    // Rows k − 1 of the system: s_{k−1}ᵀ Ŵᵀ = s_kᵀ.
                    let previous = Matrix(rows: position, columns: d, elements: (0..<position).flatMap(token))
                    let next = Matrix(rows: position, columns: d, elements: (1...position).flatMap(token))
                    let transposedEstimate = try LinearAlgebra.leastSquares(previous, next)
                    estimate = transposedEstimate.transposed.applied(to: current)
                }
                for i in 0..<d {
                    zero[position] += target[i] * target[i]
                    copy[position] += (current[i] - target[i]) * (current[i] - target[i])
                    leastSquares[position] += (estimate[i] - target[i]) * (estimate[i] - target[i])
                }
            }
        }
        let scale = 1 / Double(sequences.count * d)
        zeroPerPosition = zero.map { $0 * scale }
        copyPerPosition = copy.map { $0 * scale }
        inContextLeastSquaresPerPosition = leastSquares.map { $0 * scale }
        self.zero = zeroPerPosition.reduce(0, +) / Double(t)
        self.copy = copyPerPosition.reduce(0, +) / Double(t)
        inContextLeastSquares = inContextLeastSquaresPerPosition.reduce(0, +) / Double(t)
    }
}
