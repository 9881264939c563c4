import NumericCore

/// Multi-head causal self-attention over packed sequences, from the rows Q | K | V (rows × 3·width, as a fused
/// c_attn projection writes them) to the heads' outputs concatenated (rows × width). The input and output
/// projections are separate `Linear` layers, so the model reads like nanoGPT's CausalSelfAttention.
///
/// Two scorings, one per paper:
///   softmax (ALPINE, GPT-2):           P = softmax_row(tril(Q Kᵀ) / √d_h)   (masked entries get weight 0)
///   linear  (PAPER.md §5, Figure 5):    P = tril(Q Kᵀ) · scale
/// and in both, per head, Y = P V. Keeps P of the last forward pass for the backward pass and for attention maps.
public final class CausalAttention<Scalar: BLASScalar> {
    public enum Scoring: Sendable { case softmax, linear }

    public let width: Int
    public let heads: Int
    public let headWidth: Int
    public let block: Int
    public let scoring: Scoring
    public let scale: Scalar
    /// Threads for the per-sequence products; each sequence writes its own rows, so bytes do not depend on it.
    public let workers: Int
    let probabilities: Tensor<Scalar>
    let scratch: [Tensor<Scalar>]
    public private(set) var layout = SequenceLayout(lengths: [1])
    var probabilityOffsets: [Int] = [0]

    /// `capacity` rows at most, no sequence longer than `block`. `scale` defaults to 1/√d_h.
    public init(width: Int, heads: Int, block: Int, capacity: Int, scoring: Scoring, scale: Scalar? = nil,
                workers: Int = 1) {
        precondition(heads >= 1 && width % heads == 0, "CausalAttention: \(heads) heads do not divide \(width)")
        self.width = width
        self.heads = heads
        headWidth = width / heads
        self.block = block
        self.scoring = scoring
        self.scale = scale ?? 1 / Scalar(width / heads).squareRoot()
        self.workers = max(1, workers)
        probabilities = Tensor([heads * capacity * block])
        scratch = (0..<max(1, workers)).map { _ in Tensor([block * block]) }
    }

    /// P of sequence `sequence`, head `head` (T × T, row-major, zero above the diagonal).
    public func attention(sequence: Int, head: Int) -> [Scalar] {
        let t = layout.lengths[sequence]
        let start = probabilities.pointer + probabilityOffsets[sequence] + head * t * t
        return Array(UnsafeBufferPointer(start: start, count: t * t))
    }

    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func forward(_ qkv: UnsafePointer<Scalar>, layout: SequenceLayout, into y: UnsafeMutablePointer<Scalar>) {
        precondition(layout.longest <= block, "CausalAttention: a sequence of \(layout.longest) exceeds \(block)")
        precondition(heads * layout.lengths.reduce(0) { $0 + $1 * $1 } <= probabilities.count,
                     "CausalAttention: batch exceeds the capacity")
        self.layout = layout
        var offsets: [Int] = []
        var next = 0
        for t in layout.lengths { offsets.append(next); next += heads * t * t }
        probabilityOffsets = offsets
        let stride = 3 * width
        forEachBlock(layout.sequenceCount, workers: workers) { _, sequences in
            for b in sequences {
                let t = layout.lengths[b], rows = qkv + layout.offsets[b] * stride
                for h in 0..<heads {
                    let q = rows + h * headWidth, k = q + width, v = q + 2 * width
                    let p = probabilities.pointer + offsets[b] + h * t * t
                    // S = scale · Q Kᵀ, then the causal scoring row by row.
                    Scalar.gemm(transposeA: false, transposeB: true, m: t, n: t, k: headWidth, alpha: scale,
                                a: q, lda: stride, b: k, ldb: stride, beta: 0, c: p, ldc: t)
                    for i in 0..<t {
                        let row = p + i * t
                        if scoring == .softmax {
                            var largest = row[0]
                            for j in 0...i where row[j] > largest { largest = row[j] }
                            var sum: Scalar = 0
                            for j in 0...i { row[j] = Scalar.exponential(row[j] - largest); sum += row[j] }
                            for j in 0...i { row[j] /= sum }
                        }
                        for j in (i + 1)..<t { row[j] = 0 }
                    }
                    // Y_h = P V_h
                    Scalar.gemm(transposeA: false, transposeB: false, m: t, n: headWidth, k: t, alpha: 1,
                                a: p, lda: t, b: v, ldb: stride, beta: 0,
                                c: y + layout.offsets[b] * width + h * headWidth, ldc: width)
                }
            }
        }
    }

    // ∂P = ∂Y Vᵀ,  ∂V = Pᵀ ∂Y,  ∂S = P ⊙ (∂P − rowsum(P ⊙ ∂P)) (softmax) or tril(∂P) (linear),
    // ∂Q = scale · ∂S K,  ∂K = scale · ∂Sᵀ Q
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func backward(input qkv: UnsafePointer<Scalar>, outputGradient dy: UnsafePointer<Scalar>,
                         inputGradient dqkv: UnsafeMutablePointer<Scalar>) {
        let layout = self.layout, offsets = probabilityOffsets, stride = 3 * width
        forEachBlock(layout.sequenceCount, workers: workers) { block, sequences in
            let dp = scratch[block].pointer
            for b in sequences {
                let t = layout.lengths[b], row0 = layout.offsets[b]
                for h in 0..<heads {
                    let q = qkv + row0 * stride + h * headWidth, k = q + width, v = q + 2 * width
                    let dq = dqkv + row0 * stride + h * headWidth, dk = dq + width, dv = dq + 2 * width
                    let g = dy + row0 * width + h * headWidth
                    let p = probabilities.pointer + offsets[b] + h * t * t
                    Scalar.gemm(transposeA: false, transposeB: true, m: t, n: t, k: headWidth, alpha: 1,
                                a: g, lda: width, b: v, ldb: stride, beta: 0, c: dp, ldc: t)
                    Scalar.gemm(transposeA: true, transposeB: false, m: t, n: headWidth, k: t, alpha: 1,
                                a: p, lda: t, b: g, ldb: width, beta: 0, c: dv, ldc: stride)
                    for i in 0..<t {
                        let pr = p + i * t, dr = dp + i * t
                        if scoring == .softmax {
                            var inner: Scalar = 0
                            for j in 0...i { inner += pr[j] * dr[j] }
                            for j in 0...i { dr[j] = pr[j] * (dr[j] - inner) }
                        }
                        for j in (i + 1)..<t { dr[j] = 0 }
                    }
                    Scalar.gemm(transposeA: false, transposeB: false, m: t, n: headWidth, k: t, alpha: scale,
                                a: dp, lda: t, b: k, ldb: stride, beta: 0, c: dq, ldc: stride)
                    Scalar.gemm(transposeA: true, transposeB: false, m: t, n: headWidth, k: t, alpha: scale,
                                a: dp, lda: t, b: q, ldb: stride, beta: 0, c: dk, ldc: stride)
                }
            }
        }
    }
}
