import ClosedFormModels
import NumericCore
import Testing

/// Checks every entry of the hand-derived gradient of A, B and P against central finite differences.
///
/// A note on the tolerance: in Float64 with step h = 1e-5 the central difference has truncation error
/// ~h²·|L'''| ≲ 1e-8 here and rounding error ~1e-16·|L|/h ≲ 1e-8 for losses of a few hundred, so 1e-6 relative
/// to (1 + |g|) leaves a margin of ~100 while a wrong term (errors of order |g|) still fails.
func checkGradient<Loss: PopulationLoss>(_ loss: Loss, heads: Int, seed: UInt64) {
    var generator = SeededGenerator(seed: seed)
    let d = loss.dimension, T = loss.contextLength
    let parameters = DiagonalMultiHeadParameters(heads: heads, dimension: d, contextLength: T, scale: 0.4,
                                                 generator: &generator)
    let (value, gradient) = loss.lossAndGradient(parameters)
    #expect(abs(value - loss.loss(parameters)) <= 1e-12 * abs(value))

    let h = 1e-5
    func difference(_ perturb: (inout DiagonalMultiHeadParameters, Double) -> Void) -> Double {
        var plus = parameters, minus = parameters
        perturb(&plus, h)
        perturb(&minus, -h)
        return (loss.loss(plus) - loss.loss(minus)) / (2 * h)
    }
    var worst = 0.0
    for index in parameters.a.elements.indices {
        let numeric = difference { $0.a.elements[index] += $1 }
        worst = max(worst, abs(numeric - gradient.a.elements[index]) / (1 + abs(gradient.a.elements[index])))
    }
    for index in parameters.b.elements.indices {
        let numeric = difference { $0.b.elements[index] += $1 }
        worst = max(worst, abs(numeric - gradient.b.elements[index]) / (1 + abs(gradient.b.elements[index])))
    }
    for t in 0..<T {
        for key in 0..<T {
            let index = t * T + key
            let numeric = difference { $0.positionalWeights.elements[index] += $1 }
            let analytic = gradient.positionalWeights.elements[index]
            worst = max(worst, abs(numeric - analytic) / (1 + abs(analytic)))
            // Only rows t ≤ T−2 and keys t' ≤ t+1 enter the loss.
            if t == T - 1 || key > t + 1 { #expect(analytic == 0 && numeric == 0) }
        }
    }
    #expect(worst < 1e-6, "worst relative gradient error \(worst)")
}

@Test func unitaryExactGradientMatchesFiniteDifferences() {
    checkGradient(UnitaryPopulationLoss(dimension: 10, contextLength: 20, variant: .exact), heads: 10, seed: 1)
    checkGradient(UnitaryPopulationLoss(dimension: 6, contextLength: 5, variant: .exact), heads: 4, seed: 2)
}

@Test func unitaryReferenceGradientMatchesFiniteDifferences() {
    checkGradient(UnitaryPopulationLoss(dimension: 10, contextLength: 20, variant: .reference), heads: 10, seed: 3)
    checkGradient(UnitaryPopulationLoss(dimension: 6, contextLength: 5, variant: .reference), heads: 4, seed: 4)
}

@Test func rotationGradientMatchesFiniteDifferences() {
    checkGradient(RotationPopulationLoss(dimension: 10, contextLength: 20), heads: 8, seed: 5)
    checkGradient(RotationPopulationLoss(dimension: 6, contextLength: 5), heads: 7, seed: 6)
}

@Test func referenceVariantAddsTheQueryTermOnce() {
    // reference − exact = Σ_t p_{t,t}²·||C||_F²
    var generator = SeededGenerator(seed: 8)
    let parameters = DiagonalMultiHeadParameters(heads: 10, dimension: 10, contextLength: 20, scale: 0.5,
                                                 generator: &generator)
    let exact = UnitaryPopulationLoss(variant: .exact).loss(parameters)
    let reference = UnitaryPopulationLoss(variant: .reference).loss(parameters)
    let frobenius = parameters.product.elements.reduce(0) { $0 + $1 * $1 }
    let queryWeights = (0..<19).reduce(0.0) { $0 + parameters.positionalWeights[$1, $1] * parameters.positionalWeights[$1, $1] }
    #expect(abs((reference - exact) - queryWeights * frobenius) <= 1e-10 * abs(reference))
}
