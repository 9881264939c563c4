/// The head kernels W_h and the data-independent pair kernels G_{tk} = Σ_h ρ^h_{tk} W_h (see MultiHeadNetwork).
extension MultiHeadNetwork {
    func headKernelsForward() {
        let w = width, m = affineWidth, d = dimension
        let queryWeight = parameter(Self.queryWeightIndex), queryBias = parameter(Self.queryBiasIndex)
        let keyWeight = parameter(Self.keyWeightIndex), keyBias = parameter(Self.keyBiasIndex)
        let valueWeight = parameter(Self.valueWeightIndex), valueBias = parameter(Self.valueBiasIndex)
        for head in 0..<headCount {
            let qa = foldedQueries + head * w * m, ka = foldedKeys + head * w * m
            let u = foldedValues + head * m * w, s = scoreMaps + head * m * m
            // Qa_h = [Q_h J | b_Q] with J = [I; I]: Q_h (s, s) = (Q_h[:, :d] + Q_h[:, d:]) s.
            for r in 0..<w {
                let row = (head * w + r) * w
                for a in 0..<d {
                    qa[r * m + a] = queryWeight[row + a] + queryWeight[row + a + d]
                    ka[r * m + a] = keyWeight[row + a] + keyWeight[row + a + d]
                    u[a * w + r] = valueWeight[row + a] + valueWeight[row + a + d]
                }
                qa[r * m + d] = queryBias[head * w + r]
                ka[r * m + d] = keyBias[head * w + r]
                u[d * w + r] = valueBias[head * w + r]
            }
            // S_h = Ka_hᵀ Qa_h/√(2d), so that τ_{tk} = z_kᵀ S_h z_t.
            Scalar.gemm(transposeA: true, transposeB: false, m: m, n: m, k: w, alpha: scoreScale, a: ka, lda: m,
                        b: qa, ldb: m, beta: 0, c: s, ldc: m)
            // (S_h ⊗ U_h)[(b, c), (a, i)] = S_h[b, c] U_h[a, i]
            Scalar.gemm(transposeA: false, transposeB: false, m: m * m, n: m * w, k: 1, alpha: 1, a: s, lda: 1,
                        b: u, ldb: m * w, beta: 0, c: headTensor, ldc: m * w)
            // W_h[ab, c, i] = (S ⊗ U)[(b, c), (a, i)] + [a < b] (S ⊗ U)[(a, c), (b, i)]: f_{ab} = z_a z_b counts once.
            let kernel = headKernels + head * kernelWidth
            for (index, (a, b)) in pairs.enumerated() {
                for c in 0..<m {
                    let out = kernel + index * blockWidth + c * w
                    let first = headTensor + (b * m + c) * m * w + a * w
                    let second = headTensor + (a * m + c) * m * w + b * w
                    for i in 0..<w { out[i] = a < b ? first[i] + second[i] : first[i] }
                }
            }
        }
        // G = R W: (P × H)·(H × p(d+1)2d), row t(t+1)/2 + k holds G_{tk}.
        Scalar.gemm(transposeA: false, transposeB: false, m: causalPairCount, n: kernelWidth, k: headCount,
                    alpha: 1, a: pairWeights, lda: headCount, b: headKernels, ldb: kernelWidth, beta: 0,
                    c: pairKernels, ldc: kernelWidth)
    }

    func headKernelsBackward() {
        let w = width, m = affineWidth, d = dimension
        // ∂W = Rᵀ ∂G,   ∂R = ∂G Wᵀ
        Scalar.gemm(transposeA: true, transposeB: false, m: headCount, n: kernelWidth, k: causalPairCount,
                    alpha: 1, a: pairWeights, lda: headCount, b: pairKernelGradient, ldb: kernelWidth, beta: 0,
                    c: headKernelGradient, ldc: kernelWidth)
        Scalar.gemm(transposeA: false, transposeB: true, m: causalPairCount, n: headCount, k: kernelWidth,
                    alpha: 1, a: pairKernelGradient, lda: kernelWidth, b: headKernels, ldb: kernelWidth, beta: 0,
                    c: pairWeightGradient, ldc: headCount)
        let queryWeight = gradient(Self.queryWeightIndex), queryBias = gradient(Self.queryBiasIndex)
        let keyWeight = gradient(Self.keyWeightIndex), keyBias = gradient(Self.keyBiasIndex)
        let valueWeight = gradient(Self.valueWeightIndex), valueBias = gradient(Self.valueBiasIndex)
        let tensorGradient = smallGradientA
        let scoreGradient = smallGradientB, valueGradient = smallGradientB + m * m
        let foldedQueryGradient = smallGradientC, foldedKeyGradient = smallGradientC + w * m
        for head in 0..<headCount {
            let qa = foldedQueries + head * w * m, ka = foldedKeys + head * w * m
            let u = foldedValues + head * m * w, s = scoreMaps + head * m * m
            // ∂(S ⊗ U)[(b, c), (a, i)] = ∂W[pair(a, b), c, i]
            let kernelGradient = headKernelGradient + head * kernelWidth
            for b in 0..<m {
                for c in 0..<m {
                    for a in 0..<m {
                        let source = kernelGradient + pairIndex[a * m + b] * blockWidth + c * w
                        let target = tensorGradient + (b * m + c) * m * w + a * w
                        for i in 0..<w { target[i] = source[i] }
                    }
                }
            }
            // ∂S = ∂(S ⊗ U) vec U,   ∂U = ∂(S ⊗ U)ᵀ vec S
            Scalar.gemm(transposeA: false, transposeB: false, m: m * m, n: 1, k: m * w, alpha: 1, a: tensorGradient,
                        lda: m * w, b: u, ldb: 1, beta: 0, c: scoreGradient, ldc: 1)
            Scalar.gemm(transposeA: true, transposeB: false, m: m * w, n: 1, k: m * m, alpha: 1, a: tensorGradient,
                        lda: m * w, b: s, ldb: 1, beta: 0, c: valueGradient, ldc: 1)
            // S = Kaᵀ Qa/√(2d):  ∂Qa = Ka ∂S/√(2d),  ∂Ka = Qa ∂Sᵀ/√(2d)
            Scalar.gemm(transposeA: false, transposeB: false, m: w, n: m, k: m, alpha: scoreScale, a: ka, lda: m,
                        b: scoreGradient, ldb: m, beta: 0, c: foldedQueryGradient, ldc: m)
            Scalar.gemm(transposeA: false, transposeB: true, m: w, n: m, k: m, alpha: scoreScale, a: qa, lda: m,
                        b: scoreGradient, ldb: m, beta: 0, c: foldedKeyGradient, ldc: m)
            // Unfold: both halves of Q_h see the same token coordinate; the last column is the bias.
            for r in 0..<w {
                let row = (head * w + r) * w
                for a in 0..<d {
                    queryWeight[row + a] += foldedQueryGradient[r * m + a]
                    queryWeight[row + a + d] += foldedQueryGradient[r * m + a]
                    keyWeight[row + a] += foldedKeyGradient[r * m + a]
                    keyWeight[row + a + d] += foldedKeyGradient[r * m + a]
                    valueWeight[row + a] += valueGradient[a * w + r]
                    valueWeight[row + a + d] += valueGradient[a * w + r]
                }
                queryBias[head * w + r] += foldedQueryGradient[r * m + d]
                keyBias[head * w + r] += foldedKeyGradient[r * m + d]
                valueBias[head * w + r] += valueGradient[d * w + r]
            }
        }
    }
}
