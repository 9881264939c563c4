import NumericCore

/// The step-size baselines with their step sizes fitted on one set (the training sequences) and scored on another
/// (the test sequences), so that no baseline is tuned on the data it is compared on.
public extension InContextBaselines {
    /// `gradientSteps` with η chosen on `fitting` and the MSE measured on `set`.
    static func gradientSteps(_ set: TokenSequences, fittedOn fitting: TokenSequences, steps: Int,
                              perPosition: Bool) -> BaselineResult {
        let fit = StepStatistics(fitting, powers: steps)
        let score = StepStatistics(set, powers: steps)
        if !perPosition {
            let eta = fit.bestStepSize(fit.pooled, steps: steps)
            return BaselineResult(meanSquaredError: score.pooled.loss(eta, steps: steps) / denominator(set), stepSizes: [eta])
        }
        precondition(fitting.shape.positions == set.shape.positions, "per-position step sizes need equal lengths")
        var sum = 0.0, etas: [Double] = []
        for t in 0..<set.shape.positions {
            let eta = fit.bestStepSize(fit.positions[t], steps: steps)
            etas.append(eta)
            sum += score.positions[t].loss(eta, steps: steps)
        }
        return BaselineResult(meanSquaredError: sum / denominator(set), stepSizes: etas)
    }

    /// `gradientStepsWithOwnStepSizes` with the coefficients α chosen on `fitting` and the MSE measured on `set`.
    static func gradientStepsWithOwnStepSizes(_ set: TokenSequences, fittedOn fitting: TokenSequences,
                                              steps: Int) throws -> BaselineResult {
        let fit = StepStatistics(fitting, powers: steps).pooled
        let score = StepStatistics(set, powers: steps).pooled
        var normal = Matrix(rows: steps, columns: steps)
        for j in 0..<steps { for l in 0..<steps { normal[j, l] = fit.grams[j * steps + l] } }
        let alpha = try LinearAlgebra.leastSquares(normal, Matrix(rows: steps, columns: 1, elements: fit.projections))
            .elements
        // Σ ||s − Σ_j α_j w_{j−1}||² on the scored set = c − 2 Σ_j α_j b_{j−1} + Σ_{j,l} α_j α_l M_{j−1,l−1}
        var loss = score.targets
        for j in 0..<steps {
            loss -= 2 * alpha[j] * score.projections[j]
            for l in 0..<steps { loss += alpha[j] * alpha[l] * score.grams[j * steps + l] }
        }
        let roots = PolynomialRoots.monic(coefficients: alpha.map { -$0 })
        let real = roots.allSatisfy { abs($0.imaginary) <= 1e-9 * max(abs($0.real), 1e-300) }
        return BaselineResult(meanSquaredError: loss / denominator(set), stepSizes: real ? roots.map(\.real).sorted(by: >) : [])
    }
}
