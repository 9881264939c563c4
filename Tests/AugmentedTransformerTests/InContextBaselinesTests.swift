import AugmentedTransformer
import GradientDescentBaselines
import NumericCore
import Testing

/// The baselines against direct computations with explicit d×d matrices C_t = Σ_{k=1}^t s_k s_{k−1}ᵀ,
/// P_t = Σ_{k=1}^t s_{k−1} s_{k−1}ᵀ and iterated G ← G + η (C_t − G P_t).
@Suite struct InContextBaselinesTests {
    static let data = HaarSequences.make(count: 12, tokenCount: 11, dimension: 3, seed: 31)
    static let set = TokenSequences(data.values, shape: data.shape)

    static func token(_ sequence: Int, _ t: Int) -> [Double] {
        let d = data.shape.dimension, base = (sequence * data.shape.tokenCount + t) * d
        return Array(data.values[base..<(base + d)])
    }

    static func outer(_ a: [Double], _ b: [Double]) -> Matrix {
        Matrix(rows: a.count, columns: b.count, elements: a.flatMap { x in b.map { x * $0 } })
    }

    static func sum(_ a: Matrix, _ b: Matrix) -> Matrix {
        Matrix(rows: a.rows, columns: a.columns, elements: zip(a.elements, b.elements).map { $0 + $1 })
    }

    /// (C_t, P_t) of one sequence.
    static func moments(_ sequence: Int, _ t: Int) -> (Matrix, Matrix) {
        let d = data.shape.dimension
        var c = Matrix(rows: d, columns: d), p = Matrix(rows: d, columns: d)
        for k in stride(from: 1, through: t, by: 1) {
            c = sum(c, outer(token(sequence, k), token(sequence, k - 1)))
            p = sum(p, outer(token(sequence, k - 1), token(sequence, k - 1)))
        }
        return (c, p)
    }

    /// G_J s_t by iterating J steps from G = 0.
    static func prediction(_ sequence: Int, _ t: Int, steps: Int, eta: Double) -> [Double] {
        let (c, p) = moments(sequence, t)
        var g = Matrix(rows: c.rows, columns: c.columns)
        for _ in 0..<steps { g = sum(g, eta * (c - g * p)) }
        return g.applied(to: token(sequence, t))
    }

    static func squaredError(_ prediction: [Double], _ target: [Double]) -> Double {
        zip(prediction, target).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
    }

    /// MSE of J steps with step size etas[t] (or one shared).
    static func directMSE(steps: Int, etas: [Double]) -> Double {
        let shape = data.shape
        var total = 0.0
        for sequence in 0..<shape.count {
            for t in 0..<shape.positions {
                let eta = etas.count == 1 ? etas[0] : etas[t]
                total += squaredError(prediction(sequence, t, steps: steps, eta: eta), token(sequence, t + 1))
            }
        }
        return total / Double(shape.count * shape.positions * shape.dimension)
    }

    @Test func oneStepSharedMatchesDirectClosedForm() {
        var numerator = 0.0, denominator = 0.0
        for sequence in 0..<Self.data.shape.count {
            for t in 0..<Self.data.shape.positions {
                let u = Self.moments(sequence, t).0.applied(to: Self.token(sequence, t))
                numerator += zip(u, Self.token(sequence, t + 1)).reduce(0) { $0 + $1.0 * $1.1 }
                denominator += u.reduce(0) { $0 + $1 * $1 }
            }
        }
        let result = InContextBaselines.gradientSteps(Self.set, steps: 1, perPosition: false)
        #expect(abs(result.stepSizes[0] - numerator / denominator) <= 1e-10 * numerator / denominator)
        let direct = Self.directMSE(steps: 1, etas: result.stepSizes)
        #expect(abs(result.meanSquaredError - direct) <= 1e-10 * direct)
    }

    @Test(arguments: [1, 2, 3])
    func stepsMatchIteratedDescentAndAreOptimal(steps: Int) {
        for perPosition in [false, true] {
            let result = InContextBaselines.gradientSteps(Self.set, steps: steps, perPosition: perPosition)
            let direct = Self.directMSE(steps: steps, etas: result.stepSizes)
            #expect(abs(result.meanSquaredError - direct) <= 1e-9 * direct, "steps \(steps), \(perPosition)")
            // No nearby step size does better.
            for factor in [0.99, 1.01] {
                let moved = Self.directMSE(steps: steps, etas: result.stepSizes.map { $0 * factor })
                #expect(moved >= direct - 1e-12, "steps \(steps), perPosition \(perPosition), factor \(factor)")
            }
        }
    }

    @Test func normalisedStepMatchesDirectComputation() {
        var projections = 0.0, cosines = 0.0, active = 0
        for sequence in 0..<Self.data.shape.count {
            for t in 0..<Self.data.shape.positions {
                let u = Self.moments(sequence, t).0.applied(to: Self.token(sequence, t))
                let norm = u.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard norm > 0 else { continue }
                let dot = zip(u, Self.token(sequence, t + 1)).reduce(0) { $0 + $1.0 * $1.1 }
                projections += dot / norm
                cosines += dot / norm    // ||s_{t+1}|| = 1 on these sequences
                active += 1
            }
        }
        let c = projections / Double(active)
        var total = 0.0
        for sequence in 0..<Self.data.shape.count {
            for t in 0..<Self.data.shape.positions {
                let u = Self.moments(sequence, t).0.applied(to: Self.token(sequence, t))
                let norm = u.reduce(0) { $0 + $1 * $1 }.squareRoot()
                let prediction = norm > 0 ? u.map { c * $0 / norm } : u
                total += Self.squaredError(prediction, Self.token(sequence, t + 1))
            }
        }
        let direct = total / Double(Self.data.shape.count * Self.data.shape.positions * Self.data.shape.dimension)
        let (result, cosine) = InContextBaselines.normalisedStep(Self.set)
        #expect(abs(result.meanSquaredError - direct) <= 1e-10 * direct)
        #expect(abs(cosine - cosines / Double(active)) <= 1e-10)
    }

    /// d = 2: for t ≥ 2 the least-squares fit recovers W exactly; for t = 1 the minimum-norm solution of
    /// s_1 ≈ G s_0 is G = s_1 s_0ᵀ / ||s_0||², and t = 0 predicts 0.
    @Test func leastSquaresMatchesMinimumNormFormula() throws {
        let planar = HaarSequences.make(count: 20, tokenCount: 8, dimension: 2, seed: 4)
        var total = 0.0
        for sequence in 0..<20 {
            func s(_ t: Int) -> [Double] { Array(planar.values[((sequence * 8 + t) * 2)..<((sequence * 8 + t) * 2 + 2)]) }
            total += s(1).reduce(0) { $0 + $1 * $1 }
            let ratio = zip(s(0), s(1)).reduce(0) { $0 + $1.0 * $1.1 } / s(0).reduce(0) { $0 + $1 * $1 }
            total += Self.squaredError(s(1).map { $0 * ratio }, s(2))
        }
        let expected = total / Double(20 * 7 * 2)
        let result = try InContextBaselines.leastSquares(TokenSequences(planar.values, shape: planar.shape))
        #expect(abs(result.meanSquaredError - expected) <= 1e-10 * expected)
    }

    @Test func zeroAndCopyBaselinesMatchTheirExpectations() {
        let haar = HaarSequences.make(count: 400, tokenCount: 6, dimension: 5, seed: 8)
        let set = TokenSequences(haar.values, shape: haar.shape)
        // ||s_{t+1}|| = 1: predicting 0 costs exactly 1/d per coordinate.
        #expect(abs(InContextBaselines.predictZero(set).meanSquaredError - 0.2) < 1e-12)
        // Copy: E||W s − s||² = 2 − 2 E[sᵀ W s] = 2 for Haar W (E W = 0), i.e. 2/d per coordinate. Monte Carlo over
        // sequences (independent W), within 4 standard errors.
        let perSequence = (0..<400).map { sequence -> Double in
            var sum = 0.0
            for t in 0..<5 {
                for i in 0..<5 {
                    let e = haar.values[(sequence * 6 + t + 1) * 5 + i] - haar.values[(sequence * 6 + t) * 5 + i]
                    sum += e * e
                }
            }
            return sum / 25
        }
        let mean = perSequence.reduce(0, +) / 400
        let variance = perSequence.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 399
        let copy = InContextBaselines.copyLast(set).meanSquaredError
        #expect(abs(copy - mean) < 1e-12)
        #expect(abs(copy - 0.4) < 4 * (variance / 400).squareRoot())
    }
}

/// J steps with their own step sizes: the reported MSE is that of iterating G ← G + η_j (C_t − G P_t) with the
/// reported η_j, and no perturbation of one η_j lowers it.
@Suite struct OwnStepSizesTests {
    static func directMSE(_ etas: [Double]) -> Double {
        let data = InContextBaselinesTests.data, shape = data.shape
        var total = 0.0
        for sequence in 0..<shape.count {
            for t in 0..<shape.positions {
                let (c, p) = InContextBaselinesTests.moments(sequence, t)
                var g = Matrix(rows: c.rows, columns: c.columns)
                for eta in etas { g = InContextBaselinesTests.sum(g, eta * (c - g * p)) }
                total += InContextBaselinesTests.squaredError(g.applied(to: InContextBaselinesTests.token(sequence, t)),
                                                              InContextBaselinesTests.token(sequence, t + 1))
            }
        }
        return total / Double(shape.count * shape.positions * shape.dimension)
    }

    @Test(arguments: [1, 2, 3])
    func ownStepSizesMatchIteratedDescent(steps: Int) throws {
        let result = try InContextBaselines.gradientStepsWithOwnStepSizes(InContextBaselinesTests.set, steps: steps)
        #expect(result.stepSizes.count == steps)
        guard result.stepSizes.count == steps else { return }
        let direct = Self.directMSE(result.stepSizes)
        #expect(abs(result.meanSquaredError - direct) <= 1e-8 * direct)
        for j in 0..<steps {
            for factor in [0.99, 1.01] {
                var moved = result.stepSizes
                moved[j] *= factor
                #expect(Self.directMSE(moved) >= direct - 1e-12)
            }
        }
        // One step: the same as the closed-form shared η.
        if steps == 1 {
            let shared = InContextBaselines.gradientSteps(InContextBaselinesTests.set, steps: 1, perPosition: false)
            #expect(abs(shared.stepSizes[0] - result.stepSizes[0]) <= 1e-9 * shared.stepSizes[0])
        }
    }
}
