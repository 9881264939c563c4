#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sufficient statistics of the J-step gradient-descent predictions, so that the MSE of any η is a polynomial
/// evaluated in O(J²): with a_j = (J choose j)(−1)^{j−1} and prediction Σ_j a_j η^j w_{j−1},
///   Σ ||s_{t+1} − prediction||² = c − 2 Σ_j a_j η^j b_{j−1} + Σ_{j,l} a_j a_l η^{j+l} M_{j−1,l−1},
/// c = Σ ||s_{t+1}||², b_j = Σ ⟨s_{t+1}, w_j⟩, M_{jl} = Σ ⟨w_j, w_l⟩ (sums over sequences).
struct StepStatistics {
    struct Sums {
        var targets = 0.0
        var projections: [Double]
        var grams: [Double]
        let powers: Int

        init(powers: Int) {
            self.powers = powers
            projections = [Double](repeating: 0, count: powers)
            grams = [Double](repeating: 0, count: powers * powers)
        }

        static func + (lhs: Sums, rhs: Sums) -> Sums {
            var sum = lhs
            sum.targets += rhs.targets
            for j in 0..<lhs.powers { sum.projections[j] += rhs.projections[j] }
            for j in 0..<(lhs.powers * lhs.powers) { sum.grams[j] += rhs.grams[j] }
            return sum
        }

        /// The summed squared error of `steps` steps with step size η.
        func loss(_ eta: Double, steps: Int) -> Double {
            var coefficients = [Double](repeating: 0, count: steps)
            var binomial = 1.0, power = 1.0
            for j in 1...steps {
                binomial = binomial * Double(steps - j + 1) / Double(j)
                power *= eta
                coefficients[j - 1] = binomial * (j % 2 == 1 ? 1 : -1) * power
            }
            var result = targets
            for j in 0..<steps {
                result -= 2 * coefficients[j] * projections[j]
                for l in 0..<steps { result += coefficients[j] * coefficients[l] * grams[j * powers + l] }
            }
            return result
        }
    }

    let positions: [Sums]
    var pooled: Sums { positions.dropFirst().reduce(positions[0], +) }

    init(_ set: TokenSequences, powers: Int) {
        let d = set.shape.dimension, n = set.shape.positions
        var positions = [Sums](repeating: Sums(powers: powers), count: n)
        set.values.withUnsafeBufferPointer { buffer in
            for sequence in 0..<set.shape.count {
                let base = buffer.baseAddress! + sequence * set.shape.tokenCount * d
                let w = DescentDirections.compute(sequence: base, tokenCount: set.shape.tokenCount, dimension: d,
                                                  powers: powers)
                for t in 0..<n {
                    let target = base + (t + 1) * d
                    for i in 0..<d { positions[t].targets += target[i] * target[i] }
                    for j in 0..<powers {
                        for i in 0..<d { positions[t].projections[j] += w[j][t * d + i] * target[i] }
                        for l in 0..<powers {
                            for i in 0..<d { positions[t].grams[j * powers + l] += w[j][t * d + i] * w[l][t * d + i] }
                        }
                    }
                }
            }
        }
        self.positions = positions
    }

    /// The η ≥ 0 of least loss: closed form b_0 / M_00 for one step; for more steps a geometric grid over
    /// [1e-6, 1e3] then golden-section refinement in the winning cell.
    ///
    /// A note on the search: the loss is a polynomial of degree 2J in η with a non-negative leading coefficient, so
    /// it has a global minimum on [0, ∞); the grid is fine enough (1.7% spacing) that the minimum's cell is found
    /// and golden section then converges inside it.
    func bestStepSize(_ sums: Sums, steps: Int) -> Double {
        if steps == 1 { return sums.grams[0] > 0 ? sums.projections[0] / sums.grams[0] : 0 }
        if sums.grams[0] == 0 { return 0 }
        let count = 1200
        let low = -6.0, high = 3.0
        func grid(_ i: Int) -> Double { pow(10, low + (high - low) * Double(i) / Double(count - 1)) }
        var best = 0, bestLoss = Double.infinity
        for i in 0..<count {
            let value = sums.loss(grid(i), steps: steps)
            if value < bestLoss { bestLoss = value; best = i }
        }
        var a = grid(max(best - 1, 0)), b = grid(min(best + 1, count - 1))
        let ratio = (5.0.squareRoot() - 1) / 2
        for _ in 0..<200 {
            let x1 = b - ratio * (b - a), x2 = a + ratio * (b - a)
            if sums.loss(x1, steps: steps) < sums.loss(x2, steps: steps) { b = x2 } else { a = x1 }
        }
        return (a + b) / 2
    }
}
