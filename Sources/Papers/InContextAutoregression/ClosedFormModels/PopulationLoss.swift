import NumericCore

/// A closed-form population loss L(C, P) = Σ_{t=0}^{T−2} L_t(C, p_t) of the diagonal multi-head model, where row t
/// uses p_t = P[t, 0…t+1], query q = t, keys and values t' = 0 … q+1 and target s_{q+2}.
public protocol PopulationLoss: Sendable {
    /// d, the token dimension (C is d×d).
    var dimension: Int { get }
    /// T, the side of the positional weights P.
    var contextLength: Int { get }

    /// The kernel every other entry point calls. Reads C (d×d) and P (T×T), row-major; returns L(C, P). When the
    /// gradient buffers are given it overwrites them with ∂L/∂C (d×d) and ∂L/∂P (T×T, zero outside the active part
    /// P[t, 0…t+1], t ≤ T−2). Must not allocate: the training loop calls it 100,000 times.
    func evaluate(product: UnsafePointer<Double>, positionalWeights: UnsafePointer<Double>,
                  productGradient: UnsafeMutablePointer<Double>?,
                  positionalGradient: UnsafeMutablePointer<Double>?) -> Double
}

extension PopulationLoss {
    /// L(C, P).
    public func loss(product: Matrix, positionalWeights: Matrix) -> Double {
        checkShapes(product: product, positionalWeights: positionalWeights)
        return evaluate(product: product.elements, positionalWeights: positionalWeights.elements,
                        productGradient: nil, positionalGradient: nil)
    }

    /// L(BᵀA, P).
    public func loss(_ parameters: DiagonalMultiHeadParameters) -> Double {
        loss(product: parameters.product, positionalWeights: parameters.positionalWeights)
    }

    /// L(BᵀA, P) and its gradient with respect to A, B and P (same shapes as `parameters`).
    public func lossAndGradient(_ parameters: DiagonalMultiHeadParameters)
        -> (loss: Double, gradient: DiagonalMultiHeadParameters) {
        var workspace = ProductWorkspace(dimension: dimension)
        var gradient = parameters.zeroed
        let value = evaluateThroughProduct(parameters, workspace: &workspace, gradient: &gradient)
        return (value, gradient)
    }

    /// The loss through C = BᵀA, with the chain rule back to A and B. Allocates nothing when `workspace` and
    /// `gradient` are already sized (the training loop reuses them).
    func evaluateThroughProduct(_ parameters: DiagonalMultiHeadParameters, workspace: inout ProductWorkspace,
                                gradient: inout DiagonalMultiHeadParameters) -> Double {
        let h = parameters.heads, d = dimension
        checkPositionalShape(parameters.positionalWeights)
        precondition(parameters.dimension == d && gradient.a.rows == h && gradient.a.columns == d
                     && gradient.contextLength == contextLength, "gradient shapes differ from the parameters'")
        return parameters.a.elements.withUnsafeBufferPointer { a in
            parameters.b.elements.withUnsafeBufferPointer { b in
                workspace.product.withUnsafeMutableBufferPointer { c in
                    workspace.productGradient.withUnsafeMutableBufferPointer { gc in
                        // C = BᵀA
                        LinearAlgebra.gemm(transposeA: true, transposeB: false, m: d, n: d, k: h, alpha: 1,
                                           a: b.baseAddress!, lda: d, b: a.baseAddress!, ldb: d,
                                           beta: 0, c: c.baseAddress!, ldc: d)
                        let value = gradient.positionalWeights.elements.withUnsafeMutableBufferPointer { gp in
                            evaluate(product: c.baseAddress!, positionalWeights: parameters.positionalWeights.elements,
                                     productGradient: gc.baseAddress!, positionalGradient: gp.baseAddress!)
                        }
                        // ∂L/∂A = B·∂L/∂C
                        gradient.a.elements.withUnsafeMutableBufferPointer { ga in
                            LinearAlgebra.gemm(transposeA: false, transposeB: false, m: h, n: d, k: d, alpha: 1,
                                               a: b.baseAddress!, lda: d, b: gc.baseAddress!, ldb: d,
                                               beta: 0, c: ga.baseAddress!, ldc: d)
                        }
                        // ∂L/∂B = A·(∂L/∂C)ᵀ
                        gradient.b.elements.withUnsafeMutableBufferPointer { gb in
                            LinearAlgebra.gemm(transposeA: false, transposeB: true, m: h, n: d, k: d, alpha: 1,
                                               a: a.baseAddress!, lda: d, b: gc.baseAddress!, ldb: d,
                                               beta: 0, c: gb.baseAddress!, ldc: d)
                        }
                        return value
                    }
                }
            }
        }
    }

    func checkShapes(product: Matrix, positionalWeights: Matrix) {
        precondition(product.rows == dimension && product.columns == dimension,
                     "C is \(product.rows)×\(product.columns), the loss expects \(dimension)×\(dimension)")
        checkPositionalShape(positionalWeights)
    }

    func checkPositionalShape(_ positionalWeights: Matrix) {
        precondition(positionalWeights.rows == contextLength && positionalWeights.columns == contextLength,
                     "P is \(positionalWeights.rows)×\(positionalWeights.columns), the loss expects "
                     + "\(contextLength)×\(contextLength)")
    }
}

/// C and ∂L/∂C, allocated once per training run.
struct ProductWorkspace {
    var product: [Double]
    var productGradient: [Double]

    init(dimension: Int) {
        product = [Double](repeating: 0, count: dimension * dimension)
        productGradient = product
    }
}
