import ClosedFormModels
import NumericCore
import Testing

// The closed forms are expectations of the model over W; each is compared with a Monte Carlo estimate of that model
// on several random (C, P). |closed form − mean| < 4 standard errors; the seeds are fixed, so the test is
// deterministic. The power check beside it: a formula that is off by a missing or doubled term (the reference
// variant, or the unitary formula used for rotations) lies tens of standard errors away and would fail.

@Test func unitaryClosedFormMatchesMonteCarlo() {
    var generator = SeededGenerator(seed: 21)
    for (d, T) in [(6, 8), (5, 6), (10, 20)] {
        let (c, p) = randomProductAndWeights(dimension: d, contextLength: T, rotations: false, &generator)
        let estimate = MonteCarloPopulationLoss.unitary(product: c, positionalWeights: p,
                                                        samples: d == 10 ? 1500 : 3000, generator: &generator)
        let exact = UnitaryPopulationLoss(dimension: d, contextLength: T).loss(product: c, positionalWeights: p)
        let reference = UnitaryPopulationLoss(dimension: d, contextLength: T, variant: .reference)
            .loss(product: c, positionalWeights: p)
        #expect(abs(exact - estimate.mean) < 4 * estimate.standardError,
                "d = \(d), T = \(T): closed form \(exact), Monte Carlo \(estimate.mean) ± \(estimate.standardError)")
        #expect(abs(reference - estimate.mean) > 10 * estimate.standardError)
    }
}

@Test func rotationClosedFormMatchesMonteCarlo() {
    var generator = SeededGenerator(seed: 22)
    for (d, T) in [(6, 8), (4, 6), (10, 20)] {
        let (c, p) = randomProductAndWeights(dimension: d, contextLength: T, rotations: true, &generator)
        let estimate = MonteCarloPopulationLoss.rotations(product: c, positionalWeights: p,
                                                          samples: d == 10 ? 1500 : 3000, generator: &generator)
        let exact = RotationPopulationLoss(dimension: d, contextLength: T).loss(product: c, positionalWeights: p)
        let unitaryFormula = UnitaryPopulationLoss(dimension: d, contextLength: T)
            .loss(product: c, positionalWeights: p)
        #expect(abs(exact - estimate.mean) < 4 * estimate.standardError,
                "d = \(d), T = \(T): closed form \(exact), Monte Carlo \(estimate.mean) ± \(estimate.standardError)")
        #expect(abs(unitaryFormula - estimate.mean) > 10 * estimate.standardError)
    }
}

@Test func monteCarloIsExactAtTheZeroLossStructure() {
    // At C = c·I, p_{t,t+1} = 1/c (unitary) and at the rotation minimiser every sample predicts exactly.
    var generator = SeededGenerator(seed: 23)
    let c = -1.3
    var p = Matrix(rows: 6, columns: 6)
    for t in 0..<5 { p[t, t + 1] = 1 / c }
    let unitary = MonteCarloPopulationLoss.unitary(product: c * Matrix.identity(4), positionalWeights: p,
                                                   samples: 50, generator: &generator)
    #expect(unitary.mean < 1e-24)
    let minimiser = rotationMinimiser(dimension: 6, heads: 4, contextLength: 6, scale: c)
    let rotations = MonteCarloPopulationLoss.rotations(product: minimiser.product,
                                                       positionalWeights: minimiser.positionalWeights,
                                                       samples: 50, generator: &generator)
    #expect(rotations.mean < 1e-24)
}
