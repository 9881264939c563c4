import Numerics
import Layers

/// ALPINE.md §4.4: the adjacency and reachability a trained 1-layer GPT stores, read from its weights without
/// LayerNorm (the paper's App. D reading, and greatzby/graph2's wm.py):
///   W_M′ row i = (FFN(e_i) + e_i) W_o,   W_V′ row t = (V(e_t) + FFN(V(e_t))) W_o,
///   FFN(x) = c_proj(GELU(c_fc x)),   V(x) = attn.c_proj(x W_vᵀ) (W_v = rows 2d..3d of c_attn),   W_o = wteᵀ,
/// restricted to node tokens (id i + 2 ↔ node i), so both are n × n, indexed by node.
public struct WeightReadout {
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

    /// W_M′ (n × n).
    public var adjacencyReadout: [Float] {
        let e = nodeEmbeddings
        return nodeLogits(zip(feedForward(e), e).map { $0 + $1 })
    }

    /// W_V′ (n × n), row = target.
    public var reachabilityReadout: [Float] {
        let v = value(nodeEmbeddings)
        return nodeLogits(zip(v, feedForward(v)).map { $0 + $1 })
    }

    /// Table 1: the mean over every (target t, current k) of cos(FFN(V(e_t) + e_k) W_o, FFN(V(e_t)) W_o + FFN(e_k) W_o),
    /// over all vocabulary columns (the paper's W_o is the whole output map).
    public var additivityCosine: Double {
        let e = nodeEmbeddings, v = value(e), d = width, n = nodeCount
        let vLogits = allLogits(feedForward(v)), eLogits = allLogits(feedForward(e))
        let vocabulary = model.configuration.vocabulary
        var total = 0.0
        for t in 0..<n {
            var joint = [Float](repeating: 0, count: n * d)
            for k in 0..<n { for i in 0..<d { joint[k * d + i] = v[t * d + i] + e[k * d + i] } }
            let jointLogits = allLogits(feedForward(joint))
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
