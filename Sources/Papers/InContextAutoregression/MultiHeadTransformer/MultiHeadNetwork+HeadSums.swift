/// The heads' summed output Σ_h Σ_{k≤t} τ^h_{tk} ρ^h_{tk} v^h_k, by sgemm products over the pair features.
///
/// A note on the blocking: one product per position t, (B × (t+1)p)·((t+1)p × (d+1)2d), has only (d+1)·2d = 60
/// columns, which BLAS packs inefficiently; one dense product over all positions wastes half its work on the zero
/// blocks k > t. Positions are therefore taken `positionBlock` at a time against the block-lower-triangular kernel
/// (zeros above the diagonal blocks): at paper size this halves the time of both passes.
extension MultiHeadNetwork {
    static var positionBlock: Int { 10 }

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
        // Y[n, (t, c, i)] = Σ_{k≤t} Σ_{ab} f_k[n, ab] G_{tk}[ab, c, i], for positions t0 ..< t1 at once.
        for first in stride(from: 0, to: t, by: Self.positionBlock) {
            let end = min(first + Self.positionBlock, t)
            Scalar.gemm(transposeA: false, transposeB: false, m: batchSize, n: (end - first) * block, k: end * p,
                        alpha: 1, a: pairFeatures, lda: t * p, b: causalKernels + first * block, ldb: row, beta: 0,
                        c: blockOutputs + first * block, ldc: row)
        }
        // Σ_h … [n, t, i] = Σ_c z_t[n, c] Y[n, (t, c, i)]
        for row in 0..<(batchSize * t) {
            let z = tokens + row * m, y = blockOutputs + row * block, out = headSums + row * w
            for i in 0..<w { out[i] = 0 }
            for c in 0..<m {
                let zc = z[c], yc = y + c * w
                for i in 0..<w { out[i] += zc * yc[i] }
            }
        }
    }

    /// Reads ∂(head sums) from `rowGradientA`; writes ∂G into `pairKernelGradient`.
    func headSumsBackward() {
        let t = positionCount, p = pairWidth, block = blockWidth, w = width, m = affineWidth, row = t * block
        // ∂Y[n, (t, c, i)] = z_t[n, c] ∂(Σ_h …)[n, t, i]
        for row in 0..<(batchSize * t) {
            let z = tokens + row * m, dy = blockOutputs + row * block, upstream = rowGradientA + row * w
            for c in 0..<m {
                let zc = z[c], dyc = dy + c * w
                for i in 0..<w { dyc[i] = zc * upstream[i] }
            }
        }
        // ∂G over blocks (k < t1, t0 ≤ t < t1) = F_{<t1}ᵀ ∂Y_{t0..<t1}; the blocks with k > t are never read.
        for first in stride(from: 0, to: t, by: Self.positionBlock) {
            let end = min(first + Self.positionBlock, t)
            Scalar.gemm(transposeA: true, transposeB: false, m: end * p, n: (end - first) * block, k: batchSize,
                        alpha: 1, a: pairFeatures, lda: t * p, b: blockOutputs + first * block, ldb: row, beta: 0,
                        c: causalKernelGradient + first * block, ldc: row)
        }
        for query in 0..<t {
            for key in 0...query {
                let target = pairKernelGradient + (query * (query + 1) / 2 + key) * kernelWidth
                let source = causalKernelGradient + key * p * row + query * block
                for ab in 0..<p { (target + ab * block).update(from: source + ab * row, count: block) }
            }
        }
    }
}
