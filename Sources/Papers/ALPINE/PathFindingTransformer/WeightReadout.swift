import NumericCore
import Layers

/// ALPINE.md §4.4: the adjacency and reachability a trained 1-layer GPT stores, read from its weights without
/// LayerNorm (the paper's App. D reading, and greatzby/graph2's wm.py):
///   W_M′ row i = (FFN(e_i) + e_i) W_o,   W_V′ row t = (V(e_t) + FFN(V(e_t))) W_o,
///   FFN(x) = c_proj(GELU(c_fc x)),   V(x) = attn.c_proj(x W_vᵀ) (W_v = rows 2d..3d of c_attn),   W_o = wteᵀ,
/// restricted to node tokens (id i + 2 ↔ node i), so both are n × n, indexed by node.
///
/// The `.layerNormApplied` reading puts back the LayerNorms the model applies on the same paths:
///   W_M′ row i = LN_f(e_i + FFN(LN₂ e_i)) W_o,   W_V′ row t = LN_f(v_t + FFN(LN₂ v_t)) W_o,   v_t = V(LN₁ e_t).
/// It exists because the literal reading evaluates the FFN on raw embeddings of norm ≈ 1, where LN₂ would hand it
/// vectors of norm ≈ √d·|γ|: there GELU is nearly linear (Table 1's cosine reads 0.99997), so the literal W_M′ reads
/// a linearised FFN rather than the one the model computes (README, "ALPINE's readouts").
public struct WeightReadout {
    public enum Reading: String, Sendable, CaseIterable {
        /// ALPINE.md §4.4 as written: no LayerNorm.
        case literal
        /// LN₁ before V, LN₂ before the FFN, LN_f before W_o.
        case layerNormApplied
    }

    public let model: GPT<Float>
    public let nodeCount: Int

    public init(model: GPT<Float>, nodeCount: Int) {
        precondition(model.configuration.vocabulary == nodeCount + 2, "WeightReadout: vocabulary is not n + 2")
        self.model = model
        self.nodeCount = nodeCount
    }

    var width: Int { model.configuration.width }
    var block: GPTBlock<Float> { model.blocks[0] }

    /// The node rows of wte (n × d).
    public var nodeEmbeddings: [Float] {
        let table = model.tokenEmbedding.table.value
        return Array(UnsafeBufferPointer(start: table.pointer + 2 * width, count: nodeCount * width))
    }

    /// FFN of each row of `x` (rows × d).
    public func feedForward(_ x: [Float]) -> [Float] {
        let rows = x.count / width
        var hidden = [Float](repeating: 0, count: rows * 4 * width), tangents = hidden
        var output = [Float](repeating: 0, count: rows * width)
        x.withUnsafeBufferPointer { block.expand.forward($0.baseAddress!, rows: rows, into: &hidden) }
        var activated = hidden
        GELU.forward(hidden, count: hidden.count, into: &activated, tangents: &tangents)
        block.contract.forward(activated, rows: rows, into: &output)
        return output
    }

    /// V of each row of `x`: the value slice of c_attn, then the attention's output projection.
    public func value(_ x: [Float]) -> [Float] {
        let rows = x.count / width, d = width
        var values = [Float](repeating: 0, count: rows * d), output = values
        let valueWeight = block.attentionInput.weight.value.pointer + 2 * d * d
        Float.gemm(transposeA: false, transposeB: true, m: rows, n: d, k: d, alpha: 1, a: x, lda: d,
                   b: valueWeight, ldb: d, beta: 0, c: &values, ldc: d)
        block.attentionOutput.forward(values, rows: rows, into: &output)
        return output
    }

    /// x W_o restricted to node columns: (rows × d) → (rows × n).
    public func nodeLogits(_ x: [Float]) -> [Float] {
        let rows = x.count / width
        var logits = [Float](repeating: 0, count: rows * nodeCount)
        Float.gemm(transposeA: false, transposeB: true, m: rows, n: nodeCount, k: width, alpha: 1, a: x, lda: width,
                   b: nodeEmbeddings, ldb: width, beta: 0, c: &logits, ldc: nodeCount)
        return logits
    }

    /// LayerNorm `norm` of each row of `x` (a fresh copy of the layer's gain, so the model's cache is untouched).
    func normalised(_ x: [Float], by norm: LayerNorm<Float>) -> [Float] {
        let rows = x.count / width
        let scratch = LayerNorm<Float>("readout", width: width, bias: false, capacity: rows, in: ParameterSet<Float>())
        scratch.gain.value.pointer.update(from: norm.gain.value.pointer, count: width)
        var y = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { scratch.forward($0.baseAddress!, rows: rows, into: &y) }
        return y
    }

    /// x + FFN(x) under `reading`, mapped to node logits.
    func residualLogits(_ x: [Float], _ reading: Reading) -> [Float] {
        switch reading {
        case .literal:
            return nodeLogits(zip(x, feedForward(x)).map { $0 + $1 })
        case .layerNormApplied:
            let sum = zip(x, feedForward(normalised(x, by: block.secondNorm))).map { $0 + $1 }
            return nodeLogits(normalised(sum, by: model.finalNorm))
        }
    }

    /// W_M′ (n × n).
    public func adjacencyReadout(_ reading: Reading = .literal) -> [Float] {
        residualLogits(nodeEmbeddings, reading)
    }

    /// W_V′ (n × n), row = target.
    public func reachabilityReadout(_ reading: Reading = .literal) -> [Float] {
        let e = nodeEmbeddings
        return residualLogits(value(reading == .literal ? e : normalised(e, by: block.firstNorm)), reading)
    }

    /// Table 1: the mean over every (target t, current k) of cos(FFN(V(e_t) + e_k) W_o, FFN(V(e_t)) W_o + FFN(e_k) W_o),
    /// over all vocabulary columns (the paper's W_o is the whole output map). Under `.layerNormApplied`, V reads
    /// LN₁ e_t and each FFN reads its argument through LN₂.
    public func additivityCosine(_ reading: Reading = .literal) -> Double {
        let e = nodeEmbeddings, d = width, n = nodeCount
        let v = value(reading == .literal ? e : normalised(e, by: block.firstNorm))
        func ffn(_ x: [Float]) -> [Float] { feedForward(reading == .literal ? x : normalised(x, by: block.secondNorm)) }
        let vLogits = allLogits(ffn(v)), eLogits = allLogits(ffn(e))
        let vocabulary = model.configuration.vocabulary
        var total = 0.0
        for t in 0..<n {
            var joint = [Float](repeating: 0, count: n * d)
            for k in 0..<n { for i in 0..<d { joint[k * d + i] = v[t * d + i] + e[k * d + i] } }
            let jointLogits = allLogits(ffn(joint))
            for k in 0..<n {
                var dot = 0.0, a2 = 0.0, b2 = 0.0
                for j in 0..<vocabulary {
                    let a = Double(jointLogits[k * vocabulary + j])
                    let b = Double(vLogits[t * vocabulary + j] + eLogits[k * vocabulary + j])
                    dot += a * b; a2 += a * a; b2 += b * b
                }
                total += dot / (a2 * b2).squareRoot()
            }
        }
        return total / Double(n * n)
    }

    /// x wteᵀ over the whole vocabulary.
    func allLogits(_ x: [Float]) -> [Float] {
        let rows = x.count / width, vocabulary = model.configuration.vocabulary
        var logits = [Float](repeating: 0, count: rows * vocabulary)
        x.withUnsafeBufferPointer { model.tokenEmbedding.project($0.baseAddress!, rows: rows, into: &logits) }
        return logits
    }
}
