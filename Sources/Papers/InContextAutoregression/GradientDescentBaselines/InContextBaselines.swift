import NumericCore

/// A baseline's MSE (mean over sequences, positions t = 0 … n−1 and coordinates of the error on s_{t+1}) and the
/// step sizes it chose.
public struct BaselineResult: Equatable, Sendable {
    public let meanSquaredError: Double
    /// One η (shared) or one per position; empty when the baseline has none.
    public let stepSizes: [Double]
}

/// The reference points of PAPER.md §5 that a trained network is placed against, computed on a given set of
/// sequences in Double.
public enum InContextBaselines {
    /// Predict 0.
    public static func predictZero(_ set: TokenSequences) -> BaselineResult {
        var sum = 0.0
        forEachPosition(set) { _, _, target in sum += squaredNorm(target, set.shape.dimension) }
        return BaselineResult(meanSquaredError: sum / denominator(set), stepSizes: [])
    }

    /// Predict s_t (copy the last token).
    public static func copyLast(_ set: TokenSequences) -> BaselineResult {
        var sum = 0.0
        forEachPosition(set) { current, _, target in
            for i in 0..<set.shape.dimension { sum += (target[i] - current[i]) * (target[i] - current[i]) }
        }
        return BaselineResult(meanSquaredError: sum / denominator(set), stepSizes: [])
    }

    /// J steps of gradient descent on Σ_k ||s_k − G s_{k−1}||² from G = 0 with one step size η shared by all steps,
    /// chosen to minimise the MSE: one η for every position (`perPosition` false) or the best η at each position.
    /// For J = 1 the best η is the closed form Σ ⟨s_{t+1}, w_0⟩ / Σ ||w_0||².
    public static func gradientSteps(_ set: TokenSequences, steps: Int, perPosition: Bool) -> BaselineResult {
        gradientSteps(set, fittedOn: set, steps: steps, perPosition: perPosition)
    }

    /// J steps of gradient descent G ← G + η_j (C_t − G P_t) from G = 0, each step with its own step size η_j,
    /// shared by all positions and chosen to minimise the MSE. This is the definition that reproduces PAPER.md's
    /// "2 steps: 0.0563, 3 steps: 0.0399" (one η for all steps gives 0.065 and 0.054; one η per position 0.038 and
    /// 0.028).
    ///
    /// A note on the optimisation: G_J = C_t q(P_t) with q(λ) = Σ_j α_j λ^{j−1} and Π_j (1 − η_j λ) = 1 − Σ_j α_j λ^j,
    /// so the MSE is quadratic in α = (α_1 … α_J): the best α solves the J×J normal equations
    /// Σ_l M_{j−1,l−1} α_l = b_{j−1}, and the step sizes are the roots of x^J − Σ_j α_j x^{J−j}. When those roots
    /// are complex no real step sizes realise the optimum; `stepSizes` is then empty and the MSE is a lower bound.
    public static func gradientStepsWithOwnStepSizes(_ set: TokenSequences, steps: Int) throws -> BaselineResult {
        try gradientStepsWithOwnStepSizes(set, fittedOn: set, steps: steps)
    }

    /// One step with normalised direction, c · w_0(t) / ||w_0(t)||, with the best shared c (what LayerNorm allows);
    /// also returns the mean cosine between w_0(t) = C_t s_t and s_{t+1} over positions with w_0 ≠ 0.
    public static func normalisedStep(_ set: TokenSequences) -> (result: BaselineResult, meanCosine: Double) {
        let d = set.shape.dimension
        var cosineSum = 0.0, projectionSum = 0.0, active = 0, targetSum = 0.0
        set.values.withUnsafeBufferPointer { buffer in
            for sequence in 0..<set.shape.count {
                let base = buffer.baseAddress! + sequence * set.shape.tokenCount * d
                let w = DescentDirections.compute(sequence: base, tokenCount: set.shape.tokenCount, dimension: d,
                                                  powers: 1)[0]
                for t in 0..<set.shape.positions {
                    let target = base + (t + 1) * d
                    targetSum += squaredNorm(target, d)
                    let norm = w[(t * d)..<(t * d + d)].reduce(0) { $0 + $1 * $1 }.squareRoot()
                    guard norm > 0 else { continue }
                    var dot = 0.0
                    for i in 0..<d { dot += w[t * d + i] * target[i] }
                    projectionSum += dot / norm
                    cosineSum += dot / (norm * squaredNorm(target, d).squareRoot())
                    active += 1
                }
            }
        }
        // Σ ||s − c ŵ||² = Σ ||s||² − 2c Σ⟨s, ŵ⟩ + c² · #active, minimised at c = Σ⟨s, ŵ⟩ / #active.
        let c = active > 0 ? projectionSum / Double(active) : 0
        let loss = targetSum - 2 * c * projectionSum + c * c * Double(active)
        return (BaselineResult(meanSquaredError: loss / denominator(set), stepSizes: [c]),
                active > 0 ? cosineSum / Double(active) : 0)
    }

    /// Ĝ_t = minimum-norm least-squares solution of s_k ≈ G s_{k−1}, k = 1 … t (LAPACK dgelsd); predict Ĝ_t s_t
    /// (0 at t = 0).
    public static func leastSquares(_ set: TokenSequences) throws -> BaselineResult {
        let d = set.shape.dimension
        var sum = 0.0
        for sequence in 0..<set.shape.count {
            let base = sequence * set.shape.tokenCount * d
            let tokens = Array(set.values[base..<(base + set.shape.tokenCount * d)])
            for t in 0..<set.shape.positions {
                var prediction = [Double](repeating: 0, count: d)
                if t > 0 {
                    let previous = Matrix(rows: t, columns: d, elements: Array(tokens[0..<(t * d)]))
                    let next = Matrix(rows: t, columns: d, elements: Array(tokens[d..<((t + 1) * d)]))
                    // previous · X ≈ next with X = Gᵀ, so Ĝ s_t = Xᵀ s_t
                    let x = try LinearAlgebra.leastSquares(previous, next)
                    prediction = x.transposed.applied(to: Array(tokens[(t * d)..<((t + 1) * d)]))
                }
                for i in 0..<d {
                    let e = tokens[(t + 1) * d + i] - prediction[i]
                    sum += e * e
                }
            }
        }
        return BaselineResult(meanSquaredError: sum / denominator(set), stepSizes: [])
    }

    // MARK: Helpers

    static func denominator(_ set: TokenSequences) -> Double {
        Double(set.shape.count * set.shape.positions * set.shape.dimension)
    }

    static func squaredNorm(_ v: UnsafePointer<Double>, _ d: Int) -> Double {
        var sum = 0.0
        for i in 0..<d { sum += v[i] * v[i] }
        return sum
    }

    /// Calls body(s_t, s_{t−1} or nil, s_{t+1}) for every sequence and position t = 0 … n−1.
    static func forEachPosition(_ set: TokenSequences,
                                _ body: (UnsafePointer<Double>, UnsafePointer<Double>?, UnsafePointer<Double>) -> Void) {
        let d = set.shape.dimension
        set.values.withUnsafeBufferPointer { buffer in
            for sequence in 0..<set.shape.count {
                let base = buffer.baseAddress! + sequence * set.shape.tokenCount * d
                for t in 0..<set.shape.positions {
                    body(base + t * d, t > 0 ? base + (t - 1) * d : nil, base + (t + 1) * d)
                }
            }
        }
    }
}
