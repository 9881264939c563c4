/// LayerNorm over the D features of each row, with affine weight γ and bias β (PyTorch: biased variance, ε = 1e-5),
/// fused with the residual connection of the layer: x' = x + γ ⊙ Â + β with Â = (A − mean A) / √(var A + ε).
enum LayerNormalisation {
    static func epsilon<Scalar: TransformerScalar>() -> Scalar { 1e-5 }

    /// Normalises `attention` in place to Â, stores 1/√(var + ε) per row, writes x' = x + γ ⊙ Â + β to `next`.
    @inline(__always)
    static func forward<Scalar: TransformerScalar>(attention: UnsafeMutablePointer<Scalar>,
                                                   inverseDeviations: UnsafeMutablePointer<Scalar>,
                                                   input: UnsafePointer<Scalar>, next: UnsafeMutablePointer<Scalar>,
                                                   weight: UnsafePointer<Scalar>, bias: UnsafePointer<Scalar>,
                                                   rows: Range<Int>, width: Int) {
        let count = Scalar(width)
        let eps: Scalar = epsilon()
        for r in rows {
            let a = attention + r * width
            var sum: Scalar = 0
            for i in 0..<width { sum += a[i] }
            let mean = sum / count
            var squares: Scalar = 0
            for i in 0..<width { let c = a[i] - mean; squares += c * c }
            // 1/√(var + ε), var biased (divided by D) like PyTorch.
            let inverse = 1 / (squares / count + eps).squareRoot()
            inverseDeviations[r] = inverse
            let x = input + r * width, y = next + r * width
            for i in 0..<width {
                let normalised = (a[i] - mean) * inverse
                a[i] = normalised
                y[i] = x[i] + weight[i] * normalised + bias[i]
            }
        }
    }

    /// From G = ∂L/∂x' (rows × D): writes G ⊙ Â (its column sums are ∂γ; ∂β is G's column sums) and
    ///   ∂A = (1/σ) (∂Â − mean(∂Â) − Â · mean(∂Â ⊙ Â)),   ∂Â = G ⊙ γ.
    ///
    /// A note on the reductions over rows: they are left to the caller (a product with a row of ones), so that rows
    /// can be split between threads without changing a single bit of the result.
    @inline(__always)
    static func backward<Scalar: TransformerScalar>(outputGradient: UnsafePointer<Scalar>,
                                                    normalised: UnsafePointer<Scalar>,
                                                    inverseDeviations: UnsafePointer<Scalar>,
                                                    weight: UnsafePointer<Scalar>,
                                                    gradientTimesNormalised: UnsafeMutablePointer<Scalar>,
                                                    attentionGradient: UnsafeMutablePointer<Scalar>,
                                                    rows: Range<Int>, width: Int) {
        let count = Scalar(width)
        for r in rows {
            let g = outputGradient + r * width, n = normalised + r * width, out = attentionGradient + r * width
            let product = gradientTimesNormalised + r * width
            var sum: Scalar = 0, projected: Scalar = 0
            for i in 0..<width {
                let dn = g[i] * weight[i]
                product[i] = g[i] * n[i]
                sum += dn
                projected += dn * n[i]
            }
            let mean = sum / count, meanProjected = projected / count, inverse = inverseDeviations[r]
            for i in 0..<width {
                out[i] = inverse * (g[i] * weight[i] - mean - n[i] * meanProjected)
            }
        }
    }
}
