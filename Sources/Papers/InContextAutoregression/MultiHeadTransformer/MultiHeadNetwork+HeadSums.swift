import Layers

/// The heads' summed output Σ_h Σ_{k≤t} τ^h_{tk} ρ^h_{tk} v^h_k, by sgemm products over the pair features.
///
/// A note on the blocking: one product per position t, (B × (t+1)p)·((t+1)p × (d+1)2d), has only (d+1)·2d = 60
/// columns, which BLAS packs inefficiently; one dense product over all positions wastes half its work on the zero
/// blocks k > t. Positions are therefore taken `positionBlock` at a time against the block-lower-triangular kernel
/// (zeros above the diagonal blocks): at paper size this halves the time of both passes.
///
/// A note on the two cores: the batch is split into `reductionChunks` fixed halves. Forward, each half's rows are
/// their own products; backward, ∂G is the sum of the halves' products, added half 0 + half 1. The split does not
/// depend on `workers` (the threads that run the halves), so the bytes do not either.
extension MultiHeadNetwork {
    static var positionBlock: Int { 10 }
    static var reductionChunks: Int { 2 }

    /// The batch rows (sequences) of chunk `chunk`: the first half rounded up, then the rest.
    func chunkSequences(_ chunk: Int) -> Range<Int> {
        let split = (batchSize + 1) / 2
        return chunk == 0 ? 0..<split : split..<batchSize
    }

    func headSumsForward() {
        let t = positionCount, p = pairWidth, block = blockWidth, w = width, m = affineWidth, row = t * block
        // Scatter G_{tk} (row t(t+1)/2 + k of the pair layout, p × (d+1)2d) to block (k, t) of the causal kernel.
        for query in 0..<t {
            for key in 0...query {
                let source = pairKernels + (query * (query + 1) / 2 + key) * kernelWidth
                let target = causalKernels + key * p * row + query * block
                for ab in 0..<p { (target + ab * row).update(from: source + ab * block, count: block) }
            }
        }
        forEachBlock(Self.reductionChunks, workers: workers) { _, chunks in
            for chunk in chunks {
                let sequences = chunkSequences(chunk)
                guard !sequences.isEmpty else { continue }
                let features = pairFeatures + sequences.lowerBound * t * p, outputs = blockOutputs + sequences.lowerBound * row
                // Y[n, (t, c, i)] = Σ_{k≤t} Σ_{ab} f_k[n, ab] G_{tk}[ab, c, i], for positions t0 ..< t1 at once.
                for first in stride(from: 0, to: t, by: Self.positionBlock) {
                    let end = min(first + Self.positionBlock, t)
                    Scalar.gemm(transposeA: false, transposeB: false, m: sequences.count, n: (end - first) * block,
                                k: end * p, alpha: 1, a: features, lda: t * p, b: causalKernels + first * block, ldb: row,
                                beta: 0, c: outputs + first * block, ldc: row)
                }
                // Σ_h … [n, t, i] = Σ_c z_t[n, c] Y[n, (t, c, i)]
                for row in (sequences.lowerBound * t)..<(sequences.upperBound * t) {
                    let z = tokens + row * m, y = blockOutputs + row * block, out = headSums + row * w
                    for i in 0..<w { out[i] = 0 }
                    for c in 0..<m {
                        let zc = z[c], yc = y + c * w
                        for i in 0..<w { out[i] += zc * yc[i] }
                    }
                }
            }
        }
    }

    /// Reads ∂(head sums) from `rowGradientA`; writes ∂G into `pairKernelGradient`.
    func headSumsBackward() {
        let t = positionCount, p = pairWidth, block = blockWidth, w = width, m = affineWidth, row = t * block
        let partial = [causalKernelGradient, causalKernelGradientPart]
        forEachBlock(Self.reductionChunks, workers: workers) { _, chunks in
            for chunk in chunks {
                let sequences = chunkSequences(chunk)
                guard !sequences.isEmpty else { continue }
                // ∂Y[n, (t, c, i)] = z_t[n, c] ∂(Σ_h …)[n, t, i]
                for row in (sequences.lowerBound * t)..<(sequences.upperBound * t) {
                    let z = tokens + row * m, dy = blockOutputs + row * block, upstream = rowGradientA + row * w
                    for c in 0..<m {
                        let zc = z[c], dyc = dy + c * w
                        for i in 0..<w { dyc[i] = zc * upstream[i] }
                    }
                }
                // ∂G over blocks (k < t1, t0 ≤ t < t1) = F_{<t1}ᵀ ∂Y_{t0..<t1} over this chunk's sequences; the
                // blocks with k > t are never read.
                let features = pairFeatures + sequences.lowerBound * t * p, outputs = blockOutputs + sequences.lowerBound * row
                for first in stride(from: 0, to: t, by: Self.positionBlock) {
                    let end = min(first + Self.positionBlock, t)
                    Scalar.gemm(transposeA: true, transposeB: false, m: end * p, n: (end - first) * block,
                                k: sequences.count, alpha: 1, a: features, lda: t * p, b: outputs + first * block,
                                ldb: row, beta: 0, c: partial[chunk] + first * block, ldc: row)
                }
            }
        }
        // Half 0 + half 1 over the blocks the products wrote, then the scatter back to the pair layout.
        let second = chunkSequences(1)
        for query in 0..<t {
            for key in 0...query {
                let target = pairKernelGradient + (query * (query + 1) / 2 + key) * kernelWidth
                let offset = key * p * row + query * block
                for ab in 0..<p {
                    let first = causalKernelGradient + offset + ab * row
                    if second.isEmpty {
                        (target + ab * block).update(from: first, count: block)
                    } else {
                        let other = causalKernelGradientPart + offset + ab * row, out = target + ab * block
                        for i in 0..<block { out[i] = first[i] + other[i] }
                    }
                }
            }
        }
    }
}
