/// Positional weights ρ^h_{tk} = softmax_{k≤t}((Q_h π_t + b_Q)·(K_h π_k + b_K)/√(2d)): the same Q_h, K_h as the
/// tokens, applied to the learned position embeddings; they do not depend on the sequence.
extension MultiHeadNetwork {
    func positionalWeightsForward() {
        let t = positionCount, h = headCount, w = width, hw = headCount * width
        let embeddings = parameter(Self.positionEmbeddingsIndex)
        // Q_h π_t + b_Q for all heads at once: Π Qᵀ + 1 b_Qᵀ (T × H·2d); the same for the keys.
        for (weight, bias, output) in [(Self.queryWeightIndex, Self.queryBiasIndex, positionalQueries),
                                       (Self.keyWeightIndex, Self.keyBiasIndex, positionalKeys)] {
            Scalar.gemm(transposeA: false, transposeB: true, m: t, n: hw, k: w, alpha: 1, a: embeddings, lda: w,
                        b: parameter(weight), ldb: w, beta: 0, c: output, ldc: hw)
            let b = parameter(bias)
            for row in 0..<t { for column in 0..<hw { output[row * hw + column] += b[column] } }
        }
        for head in 0..<h {
            let rho = positionalWeights + head * t * t
            // e_{tk} = (Q_h π_t + b_Q)·(K_h π_k + b_K)/√(2d)
            Scalar.gemm(transposeA: false, transposeB: true, m: t, n: t, k: w, alpha: scoreScale,
                        a: positionalQueries + head * w, lda: hw, b: positionalKeys + head * w, ldb: hw,
                        beta: 0, c: rho, ldc: t)
            // ρ_{tk} = exp(e_{tk} − max) / Σ_{k'≤t} exp(e_{tk'} − max) for k ≤ t, 0 for k > t.
            for row in 0..<t {
                let r = rho + row * t
                var largest = r[0]
                for k in 0...row where r[k] > largest { largest = r[k] }
                var total: Scalar = 0
                for k in 0...row { r[k] = Scalar.exponential(r[k] - largest); total += r[k] }
                for k in 0...row { r[k] /= total }
                for k in (row + 1)..<t { r[k] = 0 }
            }
            for row in 0..<t {
                for k in 0...row { pairWeights[(row * (row + 1) / 2 + k) * h + head] = rho[row * t + k] }
            }
        }
    }

    func positionalWeightsBackward() {
        let t = positionCount, h = headCount, w = width, hw = headCount * width
        for head in 0..<h {
            let rho = positionalWeights + head * t * t
            let g = positionalGradient + head * t * t
            // ∂e_{tk} = ρ_{tk}(∂ρ_{tk} − Σ_{k'} ρ_{tk'} ∂ρ_{tk'}) on k ≤ t.
            for row in 0..<t {
                var inner: Scalar = 0
                for k in 0...row {
                    g[row * t + k] = pairWeightGradient[(row * (row + 1) / 2 + k) * h + head]
                    inner += rho[row * t + k] * g[row * t + k]
                }
                for k in 0...row { g[row * t + k] = rho[row * t + k] * (g[row * t + k] - inner) }
                for k in (row + 1)..<t { g[row * t + k] = 0 }
            }
            // ∂(Q_h π + b_Q) = ∂E (K_h π + b_K)/√(2d),   ∂(K_h π + b_K) = ∂Eᵀ (Q_h π + b_Q)/√(2d)
            Scalar.gemm(transposeA: false, transposeB: false, m: t, n: w, k: t, alpha: scoreScale, a: g, lda: t,
                        b: positionalKeys + head * w, ldb: hw, beta: 0, c: positionalQueryGradient + head * w,
                        ldc: hw)
            Scalar.gemm(transposeA: true, transposeB: false, m: t, n: w, k: t, alpha: scoreScale, a: g, lda: t,
                        b: positionalQueries + head * w, ldb: hw, beta: 0, c: positionalKeyGradient + head * w,
                        ldc: hw)
        }
        let embeddings = parameter(Self.positionEmbeddingsIndex)
        let embeddingGradient = gradient(Self.positionEmbeddingsIndex)
        for (weight, bias, upstream) in [(Self.queryWeightIndex, Self.queryBiasIndex, positionalQueryGradient),
                                         (Self.keyWeightIndex, Self.keyBiasIndex, positionalKeyGradient)] {
            // ∂Q += ∂(QΠᵀ)ᵀ Π,   ∂b_Q += Σ_t ∂(Q π_t + b_Q),   ∂Π += ∂(ΠQᵀ) Q
            Scalar.gemm(transposeA: true, transposeB: false, m: hw, n: w, k: t, alpha: 1, a: upstream, lda: hw,
                        b: embeddings, ldb: w, beta: 1, c: gradient(weight), ldc: w)
            let b = gradient(bias)
            for row in 0..<t { for column in 0..<hw { b[column] += upstream[row * hw + column] } }
            Scalar.gemm(transposeA: false, transposeB: false, m: t, n: w, k: hw, alpha: 1, a: upstream, lda: hw,
                        b: parameter(weight), ldb: w, beta: 1, c: embeddingGradient, ldc: w)
        }
    }
}
