#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MultiHeadTransformer
import NumericCore
import Testing

@Test func generalEigenvaluesRecoverAKnownSpectrum() throws {
    // A = P diag(2R(θ), 3, −0.5) Pᵀ with P orthogonal: eigenvalues 2e^{±iθ}, 3, −0.5.
    let theta = 0.7
    var block = Matrix(rows: 4, columns: 4)
    block[0, 0] = 2 * cos(theta); block[0, 1] = -2 * sin(theta)
    block[1, 0] = 2 * sin(theta); block[1, 1] = 2 * cos(theta)
    block[2, 2] = 3; block[3, 3] = -0.5
    var generator = SeededGenerator(seed: 5)
    let p = try LinearAlgebra.orthogonalFactor(ofSquare: Matrix(rows: 4, columns: 4,
                                                                elements: (0..<16).map { _ in generator.nextGaussian() }))
    let a = p * block * p.transposed
    let (real, imaginary) = try LinearAlgebra.generalEigenvalues(of: a)
    let found = zip(real, imaginary).sorted { ($0.0, $0.1) < ($1.0, $1.1) }
    let expected = [(-0.5, 0.0), (2 * cos(theta), -2 * sin(theta)), (2 * cos(theta), 2 * sin(theta)), (3.0, 0.0)]
    for (f, e) in zip(found, expected) {
        #expect(abs(f.0 - e.0) < 1e-12 && abs(f.1 - e.1) < 1e-12)
    }
}

@Test func headMapsReduceTheDuplicatedTokens() throws {
    let configuration = MultiHeadConfiguration(dimension: 3, headCount: 4, positionCount: 5)
    let parameters = genericParameters(configuration, seed: 51)
    let analysis = try MultiHeadAnalysis(parameters: parameters)
    let d = 3, w = 6
    var generator = SeededGenerator(seed: 52)
    let s = (0..<d).map { _ in generator.nextGaussian() }, r = (0..<d).map { _ in generator.nextGaussian() }
    let x = s + s, y = r + r
    for head in 0..<4 {
        func apply(_ weight: [Double], _ v: [Double]) -> [Double] {
            (0..<w).map { i in (0..<w).reduce(0.0) { $0 + weight[(head * w + i) * w + $1] * v[$1] } }
        }
        // s_tᵀ M_h s_k = (Q_h x_t)·(K_h x_k)/√(2d) for x = (s, s), biases aside.
        let literalScore = zip(apply(parameters.queryWeight, x), apply(parameters.keyWeight, y))
            .reduce(0.0) { $0 + $1.0 * $1.1 } / Double(w).squareRoot()
        let m = analysis.queryKeyMaps[head]
        #expect(abs(zip(s, m.applied(to: r)).reduce(0.0) { $0 + $1.0 * $1.1 } - literalScore) < 1e-12)
        // N_h s = C diag(γ) centre(W_O V_h x).
        let value = apply(parameters.valueWeight, x)
        let out = (0..<w).map { i in (0..<w).reduce(0.0) { $0 + parameters.outputWeight[i * w + $1] * value[$1] } }
        let mean = out.reduce(0, +) / Double(w)
        let literal = (0..<d).map { i in
            (0..<w).reduce(0.0) { $0 + parameters.readoutWeight[i * w + $1] * parameters.normScale[$1] * (out[$1] - mean) }
        }
        let reduced = analysis.valueOutputMaps[head].applied(to: s)
        for i in 0..<d { #expect(abs(reduced[i] - literal[i]) < 1e-12) }
    }
    for h in 0..<4 {
        for g in 0..<4 {
            let inner = zip(analysis.queryKeyMaps[h].elements, analysis.valueOutputMaps[g].elements)
                .reduce(0.0) { $0 + $1.0 * $1.1 }
            #expect(abs(analysis.headCoupling[h, g] - inner) < 1e-12)
        }
    }
}

@Test func headCouplingHasRankAtMostDSquared() throws {
    // d = 2, H = 12: O = vec(M)ᵀ vec(N) has rank ≤ d² = 4, so 8 eigenvalues vanish; their sum is tr O.
    let configuration = MultiHeadConfiguration(dimension: 2, headCount: 12, positionCount: 3)
    let analysis = try MultiHeadAnalysis(parameters: genericParameters(configuration, seed: 61))
    let moduli = zip(analysis.couplingEigenvaluesReal, analysis.couplingEigenvaluesImaginary).map { ($0 * $0 + $1 * $1).squareRoot() }
    #expect(moduli == moduli.sorted(by: >))
    #expect(moduli[3] > 1e-6 * moduli[0])
    #expect(moduli[4...].allSatisfy { $0 < 1e-12 * moduli[0] })
    #expect(abs(analysis.couplingEigenvaluesReal.reduce(0, +) - analysis.headCoupling.trace) < 1e-12)
    #expect(abs(analysis.couplingEigenvaluesImaginary.reduce(0, +)) < 1e-12)
    #expect(abs(analysis.symmetrisedCouplingEigenvalues.reduce(0, +) - analysis.headCoupling.trace) < 1e-12)
}

@Test func positionalWeightsAreCausalSoftmaxes() throws {
    let configuration = MultiHeadConfiguration(dimension: 3, headCount: 3, positionCount: 7)
    let parameters = genericParameters(configuration, seed: 71)
    let analysis = try MultiHeadAnalysis(parameters: parameters)
    let w = 6
    for head in 0..<3 {
        let rho = analysis.positionalWeights[head]
        func projected(_ weight: [Double], _ bias: [Double], _ t: Int) -> [Double] {
            (0..<w).map { i in bias[head * w + i]
                + (0..<w).reduce(0.0) { $0 + weight[(head * w + i) * w + $1] * parameters.positionEmbeddings[t * w + $1] } }
        }
        for t in 0..<7 {
            let scores = (0...t).map { k in
                zip(projected(parameters.queryWeight, parameters.queryBias, t),
                    projected(parameters.keyWeight, parameters.keyBias, k)).reduce(0.0) { $0 + $1.0 * $1.1 }
                    / Double(w).squareRoot()
            }
            let total = scores.map { exp($0) }.reduce(0, +)
            for k in 0..<7 {
                let literal = k <= t ? exp(scores[k]) / total : 0
                #expect(abs(rho[t, k] - literal) < 1e-12)
            }
        }
        let massRow = (0..<7).map { analysis.offsetMass[head, $0] }
        #expect(abs(massRow.reduce(0, +) - 1) < 1e-12)
        #expect(analysis.dominantOffsetMasses[head] == massRow.max())
        #expect(massRow[analysis.dominantOffsets[head]] == massRow.max())
    }
}
