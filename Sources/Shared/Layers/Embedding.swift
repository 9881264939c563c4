import NumericCore

/// A token embedding table (vocabulary × width), optionally reused as the output projection (weight tying:
/// logits = h Eᵀ, as GPT-2 and ALPINE's lm_head do).
///
/// The projection's products are split over `workers` by rows of the result, as in `Linear`.
public final class Embedding<Scalar: BLASScalar> {
    public let vocabulary: Int
    public let width: Int
    public let table: Parameter<Scalar>
    public let workers: Int

    public init(_ name: String, vocabulary: Int, width: Int, in parameters: ParameterSet<Scalar>, workers: Int = 1) {
        self.vocabulary = vocabulary
        self.width = width
        self.workers = max(1, workers)
        table = parameters.make("\(name).weight", shape: [vocabulary, width], decays: false)
    }

    // x_r = E[token_r]
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func forward(tokens: [Int32], into x: UnsafeMutablePointer<Scalar>) {
        let e = table.value.pointer
        for (r, token) in tokens.enumerated() {
            precondition(token >= 0 && Int(token) < vocabulary, "Embedding: token \(token) outside 0..<\(vocabulary)")
            (x + r * width).update(from: e + Int(token) * width, count: width)
        }
    }

    // ∂E[token_r] += ∂x_r, rows in order (a fixed summation order for repeated tokens)
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func backward(tokens: [Int32], outputGradient dx: UnsafePointer<Scalar>) {
        let de = table.gradient.pointer
        for (r, token) in tokens.enumerated() {
            let target = de + Int(token) * width, source = dx + r * width
            for i in 0..<width { target[i] += source[i] }
        }
    }

    // logits = h Eᵀ   (h: rows × width, logits: rows × vocabulary)
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func project(_ h: UnsafePointer<Scalar>, rows: Int, into logits: UnsafeMutablePointer<Scalar>) {
        let e = table.value.pointer, width = width, vocabulary = vocabulary
        forEachBlock(rows, workers: workers) { _, range in
            Scalar.gemm(transposeA: false, transposeB: true, m: range.count, n: vocabulary, k: width, alpha: 1,
                        a: h + range.lowerBound * width, lda: width, b: e, ldb: width, beta: 0,
                        c: logits + range.lowerBound * vocabulary, ldc: vocabulary)
        }
    }

    // ∂E += ∂logitsᵀ h,   ∂h = ∂logits E
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func projectBackward(input h: UnsafePointer<Scalar>, outputGradient dLogits: UnsafePointer<Scalar>,
                                rows: Int, inputGradient dh: UnsafeMutablePointer<Scalar>) {
        let e = table.value.pointer, de = table.gradient.pointer, width = width, vocabulary = vocabulary
        forEachBlock(vocabulary, workers: workers) { _, range in
            Scalar.gemm(transposeA: true, transposeB: false, m: range.count, n: width, k: rows, alpha: 1,
                        a: dLogits + range.lowerBound, lda: vocabulary, b: h, ldb: width, beta: 1,
                        c: de + range.lowerBound * width, ldc: width)
        }
        forEachBlock(rows, workers: workers) { _, range in
            Scalar.gemm(transposeA: false, transposeB: false, m: range.count, n: width, k: vocabulary, alpha: 1,
                        a: dLogits + range.lowerBound * vocabulary, lda: vocabulary, b: e, ldb: width, beta: 0,
                        c: dh + range.lowerBound * width, ldc: width)
        }
    }
}

/// Learned absolute positions (block × width), added to the rows of each packed sequence.
public final class LearnedPositions<Scalar: BLASScalar> {
    public let block: Int
    public let width: Int
    public let table: Parameter<Scalar>

    public init(_ name: String, block: Int, width: Int, in parameters: ParameterSet<Scalar>) {
        self.block = block
        self.width = width
        table = parameters.make("\(name).weight", shape: [block, width], decays: false)
    }

    // x_{b,t} += P_t
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func forward(_ layout: SequenceLayout, into x: UnsafeMutablePointer<Scalar>) {
        let p = table.value.pointer
        for (offset, length) in zip(layout.offsets, layout.lengths) {
            precondition(length <= block, "LearnedPositions: a sequence of \(length) exceeds the block of \(block)")
            for t in 0..<length {
                let row = x + (offset + t) * width, position = p + t * width
                for i in 0..<width { row[i] += position[i] }
            }
        }
    }

    // ∂P_t += Σ_b ∂x_{b,t}, sequences in order
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func backward(_ layout: SequenceLayout, outputGradient dx: UnsafePointer<Scalar>) {
        let dp = table.gradient.pointer
        for (offset, length) in zip(layout.offsets, layout.lengths) {
            for t in 0..<length {
                let row = dx + (offset + t) * width, position = dp + t * width
                for i in 0..<width { position[i] += row[i] }
            }
        }
    }
}
