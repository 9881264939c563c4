#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GradientDescentBaselines
import MultiHeadTransformer
import NumericCore

/// Haar sequences as in PAPER.md §1: W = Q of the QR of a Gaussian matrix (signs fixed), s_0 = 1/√d, s_{t+1} = W s_t.
func haarSequences(count: Int, tokenCount: Int, dimension d: Int, seed: UInt64) -> TokenSequences {
    var generator = SeededGenerator(seed: seed)
    let values = try! HaarSampler.sequences(count: count, tokenCount: tokenCount, dimension: d, generator: &generator)
    return TokenSequences(count: count, tokenCount: tokenCount, dimension: d, values: values)
}

/// Unstructured Gaussian sequences: no relation the regrouped forward pass could silently rely on.
func gaussianSequences(count: Int, tokenCount: Int, dimension d: Int, seed: UInt64) -> TokenSequences {
    var generator = SeededGenerator(seed: seed)
    let values = (0..<(count * tokenCount * d)).map { _ in generator.nextGaussian() }
    return TokenSequences(count: count, tokenCount: tokenCount, dimension: d, values: values)
}

/// PAPER.md §6 written out literally with x_t = (s_t, s_t) ∈ R^{2d}, loops only: the predictions ŷ_t (T × d) of
/// one sequence.
func literalPredictions(_ p: MultiHeadParameters<Double>, _ sequences: TokenSequences, sequence: Int) -> [Double] {
    let c = p.configuration
    let d = c.dimension, w = c.width, t = c.positionCount, h = c.headCount
    func x(_ k: Int) -> [Double] { (0..<w).map { sequences[sequence, k, $0 % d] } }
    func pi(_ k: Int) -> [Double] { Array(p.positionEmbeddings[(k * w)..<((k + 1) * w)]) }
    func affine(_ weight: [Double], _ bias: [Double], head: Int, _ v: [Double]) -> [Double] {
        (0..<w).map { r in
            let row = head * w + r
            return bias[row] + (0..<w).reduce(0.0) { $0 + weight[row * w + $1] * v[$1] }
        }
    }
    func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
    let scale = 1 / Double(w).squareRoot()
    var result: [Double] = []
    for query in 0..<t {
        var sum = [Double](repeating: 0, count: w)
        for head in 0..<h {
            let scores = (0...query).map { k in
                dot(affine(p.queryWeight, p.queryBias, head: head, pi(query)),
                    affine(p.keyWeight, p.keyBias, head: head, pi(k))) * scale
            }
            let largest = scores.max()!
            let exps = scores.map { exp($0 - largest) }
            let total = exps.reduce(0, +)
            for k in 0...query {
                let rho = exps[k] / total
                let tau = dot(affine(p.queryWeight, p.queryBias, head: head, x(query)),
                              affine(p.keyWeight, p.keyBias, head: head, x(k))) * scale
                let v = affine(p.valueWeight, p.valueBias, head: head, x(k))
                for i in 0..<w { sum[i] += tau * rho * v[i] }
            }
        }
        let out = (0..<w).map { i in p.outputBias[i] + (0..<w).reduce(0.0) { $0 + p.outputWeight[i * w + $1] * sum[$1] } }
        let mean = out.reduce(0, +) / Double(w)
        let variance = out.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(w)
        let ln = (0..<w).map { p.normScale[$0] * (out[$0] - mean) / (variance + 1e-5).squareRoot() + p.normShift[$0] }
        for i in 0..<d {
            result.append(p.readoutBias[i] + (0..<w).reduce(0.0) { $0 + p.readoutWeight[i * w + $1] * ln[$1] })
        }
    }
    return result
}

/// Parameters at PyTorch's initialisation with LayerNorm's γ, β moved off 1, 0 so their gradients are generic.
func genericParameters(_ configuration: MultiHeadConfiguration, seed: UInt64) -> MultiHeadParameters<Double> {
    var generator = SeededGenerator(seed: seed)
    var p = MultiHeadParameters<Double>(configuration: configuration, generator: &generator)
    p.normScale = p.normScale.map { $0 + 0.3 * generator.nextGaussian() }
    p.normShift = p.normShift.map { $0 + 0.3 * generator.nextGaussian() }
    return p
}
