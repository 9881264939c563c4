import GradientDescentBaselines
import NumericCore

/// The three slots of an augmented token e_t = (0_d, s_t, s_{t−1}).
public enum TokenSlot: Int, CaseIterable, Sendable {
    case zero = 0, current = 1, previous = 2
}

/// Measures that place a trained network against the one-gradient-step theory of PAPER.md §5.
public enum TheoryMeasures {
    /// ||M[rows of `row`, columns of `column`]||_F² / ||M||_F² for a 3d×3d matrix M (0 if M = 0).
    /// The theory predicts ≈ 1 for W_Qᵀ W_K in block (current, previous) and for W_O W_V in block (zero, current).
    public static func blockEnergyFraction(_ matrix: Matrix, row: TokenSlot, column: TokenSlot) -> Double {
        precondition(matrix.rows == matrix.columns && matrix.rows % 3 == 0, "blockEnergyFraction needs a 3d×3d matrix")
        let d = matrix.rows / 3
        var block = 0.0, total = 0.0
        for i in 0..<matrix.rows {
            for j in 0..<matrix.columns {
                let square = matrix[i, j] * matrix[i, j]
                total += square
                if i / d == row.rawValue && j / d == column.rawValue { block += square }
            }
        }
        return total > 0 ? block / total : 0
    }

    /// Mean cosine between the model's predictions [count, n, d] and the one-step direction Γ_t s_t ∝ C_t s_t,
    /// over positions where both are non-zero (t ≥ 1).
    public static func meanCosineWithOneStep<Scalar: BinaryFloatingPoint>(predictions: [Scalar],
                                                                          sequences: TokenSequences) -> Double {
        let shape = sequences.shape, d = shape.dimension, n = shape.positions
        precondition(predictions.count == shape.count * n * d, "meanCosineWithOneStep: predictions do not fit")
        var sum = 0.0, active = 0
        sequences.values.withUnsafeBufferPointer { buffer in
            for sequence in 0..<shape.count {
                let w = DescentDirections.compute(sequence: buffer.baseAddress! + sequence * shape.tokenCount * d,
                                                  tokenCount: shape.tokenCount, dimension: d, powers: 1)[0]
                for t in 0..<n {
                    var dot = 0.0, directionNorm = 0.0, predictionNorm = 0.0
                    for i in 0..<d {
                        let p = Double(predictions[(sequence * n + t) * d + i]), v = w[t * d + i]
                        dot += p * v
                        directionNorm += v * v
                        predictionNorm += p * p
                    }
                    guard directionNorm > 0 && predictionNorm > 0 else { continue }
                    sum += dot / (directionNorm * predictionNorm).squareRoot()
                    active += 1
                }
            }
        }
        return active > 0 ? sum / Double(active) : 0
    }

    /// MSE of predictions [count, n, d] against s_1 … s_n.
    public static func meanSquaredError<Scalar: BinaryFloatingPoint>(predictions: [Scalar],
                                                                     sequences: TokenSequences) -> Double {
        let shape = sequences.shape, d = shape.dimension, n = shape.positions
        precondition(predictions.count == shape.count * n * d, "meanSquaredError: predictions do not fit")
        var sum = 0.0
        for sequence in 0..<shape.count {
            for t in 0..<n {
                for i in 0..<d {
                    let e = Double(predictions[(sequence * n + t) * d + i])
                        - sequences.values[(sequence * shape.tokenCount + t + 1) * d + i]
                    sum += e * e
                }
            }
        }
        return sum / Double(shape.count * n * d)
    }
}
