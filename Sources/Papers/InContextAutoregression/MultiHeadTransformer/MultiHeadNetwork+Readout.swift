/// out_t = W_O (Σ_h …) + b_O,  LayerNorm(2d) with affine γ, β (ε = 1e-5),  ŷ_t = C · LN(out_t) + c,  no residual.
extension MultiHeadNetwork {
    static var normEpsilon: Double { 1e-5 }

    func readoutForward() {
        let rows = batchSize * positionCount, w = width, d = dimension
        let outputWeight = parameter(Self.outputWeightIndex), outputBias = parameter(Self.outputBiasIndex)
        // out = (Σ_h …) W_Oᵀ + b_O
        Scalar.gemm(transposeA: false, transposeB: true, m: rows, n: w, k: w, alpha: 1, a: headSums, lda: w,
                    b: outputWeight, ldb: w, beta: 0, c: attentionOutputs, ldc: w)
        let scale = parameter(Self.normScaleIndex), shift = parameter(Self.normShiftIndex)
        let epsilon = Scalar(Self.normEpsilon)
        for row in 0..<rows {
            let out = attentionOutputs + row * w, xhat = normalized + row * w, ln = normOutputs + row * w
            var mean: Scalar = 0
            for i in 0..<w { out[i] += outputBias[i]; mean += out[i] }
            mean /= Scalar(w)
            // σ² is the biased variance, as in torch.nn.LayerNorm.
            var variance: Scalar = 0
            for i in 0..<w { variance += (out[i] - mean) * (out[i] - mean) }
            let inverse = 1 / (variance / Scalar(w) + epsilon).squareRoot()
            inverseDeviations[row] = inverse
            for i in 0..<w {
                xhat[i] = (out[i] - mean) * inverse
                ln[i] = scale[i] * xhat[i] + shift[i]
            }
        }
        // ŷ = LN Cᵀ + c
        Scalar.gemm(transposeA: false, transposeB: true, m: rows, n: d, k: w, alpha: 1, a: normOutputs, lda: w,
                    b: parameter(Self.readoutWeightIndex), ldb: w, beta: 0, c: predictions, ldc: d)
        let readoutBias = parameter(Self.readoutBiasIndex)
        for row in 0..<rows { for i in 0..<d { predictions[row * d + i] += readoutBias[i] } }
    }

    /// mean (ŷ − s_{t+1})², accumulated in Float64.
    func meanSquaredError() -> Double {
        let count = batchSize * positionCount * dimension
        var total = 0.0
        for index in 0..<count {
            let error = Double(predictions[index] - targets[index])
            total += error * error
        }
        return total / Double(count)
    }

    /// Overwrites `predictions` with ∂loss/∂ŷ; leaves ∂(head sums) in `rowGradientA`.
    func readoutBackward() {
        let rows = batchSize * positionCount, w = width, d = dimension
        // ∂ŷ = 2(ŷ − s_{t+1})/(B·T·d)
        let factor = 2 / Scalar(rows * d)
        for index in 0..<(rows * d) { predictions[index] = factor * (predictions[index] - targets[index]) }
        // ∂C = ∂ŷᵀ LN,  ∂c = Σ ∂ŷ,  ∂LN = ∂ŷ C
        Scalar.gemm(transposeA: true, transposeB: false, m: d, n: w, k: rows, alpha: 1, a: predictions, lda: d,
                    b: normOutputs, ldb: w, beta: 1, c: gradient(Self.readoutWeightIndex), ldc: w)
        let readoutBias = gradient(Self.readoutBiasIndex)
        for row in 0..<rows { for i in 0..<d { readoutBias[i] += predictions[row * d + i] } }
        let normGradient = rowGradientB
        Scalar.gemm(transposeA: false, transposeB: false, m: rows, n: w, k: d, alpha: 1, a: predictions, lda: d,
                    b: parameter(Self.readoutWeightIndex), ldb: w, beta: 0, c: normGradient, ldc: w)
        // ∂γ = Σ ∂LN ⊙ x̂,  ∂β = Σ ∂LN,  ∂out = (1/σ)(∂x̂ − mean ∂x̂ − x̂ · mean(∂x̂ ⊙ x̂)) with ∂x̂ = γ ⊙ ∂LN
        let scale = parameter(Self.normScaleIndex)
        let scaleGradient = gradient(Self.normScaleIndex), shiftGradient = gradient(Self.normShiftIndex)
        let outputBiasGradient = gradient(Self.outputBiasIndex)
        let outputGradient = rowGradientB
        for row in 0..<rows {
            let g = normGradient + row * w, xhat = normalized + row * w
            var meanGradient: Scalar = 0, meanProjection: Scalar = 0
            for i in 0..<w {
                scaleGradient[i] += g[i] * xhat[i]
                shiftGradient[i] += g[i]
                g[i] *= scale[i]
                meanGradient += g[i]
                meanProjection += g[i] * xhat[i]
            }
            meanGradient /= Scalar(w)
            meanProjection /= Scalar(w)
            let inverse = inverseDeviations[row]
            for i in 0..<w {
                g[i] = inverse * (g[i] - meanGradient - xhat[i] * meanProjection)
                outputBiasGradient[i] += g[i]
            }
        }
        // ∂W_O = ∂outᵀ (Σ_h …),  ∂(Σ_h …) = ∂out W_O
        Scalar.gemm(transposeA: true, transposeB: false, m: w, n: w, k: rows, alpha: 1, a: outputGradient, lda: w,
                    b: headSums, ldb: w, beta: 1, c: gradient(Self.outputWeightIndex), ldc: w)
        Scalar.gemm(transposeA: false, transposeB: false, m: rows, n: w, k: w, alpha: 1, a: outputGradient, lda: w,
                    b: parameter(Self.outputWeightIndex), ldb: w, beta: 0, c: rowGradientA, ldc: w)
    }
}
