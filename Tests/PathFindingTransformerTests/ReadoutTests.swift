import Foundation
import Testing
import NumericCore
import Layers
@testable import PathFindingTransformer

@Suite struct ReadoutTests {
    static func model(nodes: Int = 6, width: Int = 8) -> GPT<Float> {
        let model = GPT<Float>(GPTConfiguration(vocabulary: nodes + 2, block: 6, width: width, layers: 1, heads: 1),
                               capacity: 64)
        var generator = SeededGenerator(seed: 11)
        model.parameters.initialiseNormal(&generator) { $0.name.contains("ln") ? nil : 0.3 }
        return model
    }

    /// W_M′ and W_V′ against the §4.4 formulas evaluated entry by entry with plain loops over the parameter values.
    @Test func readoutsMatchTheFormulasComputedByHand() {
        let model = Self.model(), n = 6, d = 8
        let readout = WeightReadout(model: model, nodeCount: n)
        let p = { (name: String) in model.parameters[name]!.value.values }
        let wte = p("wte.weight"), cAttn = p("h.0.attn.c_attn.weight"), cProj = p("h.0.attn.c_proj.weight")
        let fc = p("h.0.mlp.c_fc.weight"), proj = p("h.0.mlp.c_proj.weight")
        func matvec(_ w: [Float], rows: Int, cols: Int, _ x: [Double], rowOffset: Int = 0) -> [Double] {
            (0..<rows).map { r in (0..<cols).reduce(0.0) { $0 + Double(w[(r + rowOffset) * cols + $1]) * x[$1] } }
        }
        func gelu(_ x: Double) -> Double { 0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))) }
        func ffn(_ x: [Double]) -> [Double] { matvec(proj, rows: d, cols: 4 * d, matvec(fc, rows: 4 * d, cols: d, x).map(gelu)) }
        func logits(_ x: [Double]) -> [Double] { (0..<n).map { k in (0..<d).reduce(0.0) { $0 + x[$1] * Double(wte[(k + 2) * d + $1]) } } }
        let wm = readout.adjacencyReadout(), wv = readout.reachabilityReadout()
        var worst = 0.0
        for i in 0..<n {
            let e = (0..<d).map { Double(wte[(i + 2) * d + $0]) }
            let m = logits(zip(ffn(e), e).map { $0 + $1 })
            let v = matvec(cProj, rows: d, cols: d, matvec(cAttn, rows: d, cols: d, e, rowOffset: 2 * d))
            let r = logits(zip(v, ffn(v)).map { $0 + $1 })
            for k in 0..<n {
                worst = max(worst, abs(m[k] - Double(wm[i * n + k])), abs(r[k] - Double(wv[i * n + k])))
            }
        }
        #expect(worst < 1e-4, "largest difference \(worst)")
        // Near zero GELU is linear (x/2 + x²/√(2π) + …), so an MLP with tiny input weights is additive: cosine → 1;
        // with the large weights above it is not.
        let largeWeights = readout.additivityCosine()
        let fcWeight = model.parameters["h.0.mlp.c_fc.weight"]!.value
        for i in 0..<fcWeight.count { fcWeight[i] *= 1e-4 }
        #expect(readout.additivityCosine() > 0.99999)
        #expect(largeWeights < 0.999 && largeWeights > -1)
    }

    /// The LayerNorm-applied reading against LN₁, LN₂ and LN_f written out by hand (gains drawn away from 1, so a
    /// missing or misplaced norm shows), and distinct from the literal reading.
    @Test func layerNormAppliedReadoutsMatchTheFormulasComputedByHand() {
        let model = Self.model(), n = 6, d = 8
        var generator = SeededGenerator(seed: 12)
        for name in ["h.0.ln_1.weight", "h.0.ln_2.weight", "ln_f.weight"] {
            let gain = model.parameters[name]!.value
            for i in 0..<d { gain[i] = Float(0.5 + generator.nextUniform()) }
        }
        let readout = WeightReadout(model: model, nodeCount: n)
        let p = { (name: String) in model.parameters[name]!.value.values.map(Double.init) }
        let wte = p("wte.weight"), cAttn = p("h.0.attn.c_attn.weight"), cProj = p("h.0.attn.c_proj.weight")
        let fc = p("h.0.mlp.c_fc.weight"), proj = p("h.0.mlp.c_proj.weight")
        let ln1 = p("h.0.ln_1.weight"), ln2 = p("h.0.ln_2.weight"), lnf = p("ln_f.weight")
        func matvec(_ w: [Double], rows: Int, cols: Int, _ x: [Double], rowOffset: Int = 0) -> [Double] {
            (0..<rows).map { r in (0..<cols).reduce(0.0) { $0 + w[(r + rowOffset) * cols + $1] * x[$1] } }
        }
        func norm(_ x: [Double], _ gain: [Double]) -> [Double] {
            let mean = x.reduce(0, +) / Double(d)
            let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(d)
            return (0..<d).map { (x[$0] - mean) / (variance + 1e-5).squareRoot() * gain[$0] }
        }
        func gelu(_ x: Double) -> Double { 0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))) }
        func ffn(_ x: [Double]) -> [Double] { matvec(proj, rows: d, cols: 4 * d, matvec(fc, rows: 4 * d, cols: d, x).map(gelu)) }
        func logits(_ x: [Double]) -> [Double] { (0..<n).map { k in (0..<d).reduce(0.0) { $0 + x[$1] * wte[(k + 2) * d + $1] } } }
        func residual(_ x: [Double]) -> [Double] { logits(norm(zip(x, ffn(norm(x, ln2))).map { $0 + $1 }, lnf)) }
        let wm = readout.adjacencyReadout(.layerNormApplied), wv = readout.reachabilityReadout(.layerNormApplied)
        let literal = readout.adjacencyReadout(.literal)
        var worst = 0.0, apart = 0.0
        for i in 0..<n {
            let e = (0..<d).map { wte[(i + 2) * d + $0] }
            let m = residual(e)
            let v = matvec(cProj, rows: d, cols: d, matvec(cAttn, rows: d, cols: d, norm(e, ln1), rowOffset: 2 * d))
            let r = residual(v)
            for k in 0..<n {
                worst = max(worst, abs(m[k] - Double(wm[i * n + k])), abs(r[k] - Double(wv[i * n + k])))
                apart = max(apart, abs(m[k] - Double(literal[i * n + k])))
            }
        }
        #expect(worst < 1e-4, "largest difference \(worst)")
        #expect(apart > 0.1, "the two readings agree to \(apart)")
    }

    @Test func validityFollowsTheRule() {
        // 0 → 1 → 2, 0 → 2.
        var adjacency = [Bool](repeating: false, count: 9)
        adjacency[0 * 3 + 1] = true; adjacency[1 * 3 + 2] = true; adjacency[0 * 3 + 2] = true
        let rule = PathValidity(nodeCount: 3, adjacency: adjacency)
        func line(_ nodes: [Int]) -> [Int32] { nodes.map { Int32($0 + 2) } + [1] }
        #expect(rule.isValid(line([0, 2, 0, 1, 2]), source: 0, target: 2))
        #expect(rule.isValid(line([0, 2, 0, 2]), source: 0, target: 2))
        #expect(!rule.isValid(line([0, 2, 0]), source: 0, target: 2))          // fewer than 4 numbers
        #expect(!rule.isValid(line([0, 2, 1, 2]), source: 0, target: 2))       // third is not s
        #expect(!rule.isValid(line([0, 2, 0, 1]), source: 0, target: 2))       // last is not t
        #expect(!rule.isValid(line([0, 2, 0, 1, 0, 2]), source: 0, target: 2)) // 1 → 0 is no edge
        #expect(!rule.isValid(Array(line([0, 2, 0, 2]).dropLast()), source: 0, target: 2)) // no newline
        #expect(!rule.isValid([2, 4, 2, 0, 4, 1], source: 0, target: 2))       // PAD inside
    }

    @Test func completionIsReproducibleFromTheSeedAndStopsAtNewline() {
        let model = Self.model()
        let prompts: [[Int32]] = [[2, 5], [3, 7], [4, 6]]
        var a = SeededGenerator(seed: 5), b = SeededGenerator(seed: 5)
        let first = Completion.complete(model, prompts: prompts, decoding: .sampled(temperature: 1), generator: &a)
        let second = Completion.complete(model, prompts: prompts, decoding: .sampled(temperature: 1), generator: &b)
        #expect(first == second)
        for (completion, prompt) in zip(first, prompts) {
            #expect(Array(completion.prefix(2)) == prompt)
            #expect(completion.count <= 2 + 6)
            if let stop = completion.firstIndex(of: 1) { #expect(stop == completion.count - 1) }
        }
    }
}
