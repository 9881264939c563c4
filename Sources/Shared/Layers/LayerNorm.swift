import NumericCore

/// LayerNorm over each row's features with affine weight γ and optional bias β (PyTorch: biased variance, ε = 1e-5).
/// Keeps x̂ and 1/σ of the last forward pass (up to `capacity` rows) for the backward pass. Rows are split over
/// `workers` threads; the sums over rows (∂γ, ∂β) run in row order on one thread, so bytes do not depend on it.
public final class LayerNorm<Scalar: BLASScalar> {
    public let width: Int
    public let capacity: Int
    public let workers: Int
    public let gain: Parameter<Scalar>
    public let bias: Parameter<Scalar>?
    let normalised: Tensor<Scalar>
    let inverseDeviations: Tensor<Scalar>

    public init(_ name: String, width: Int, bias hasBias: Bool, capacity: Int, in parameters: ParameterSet<Scalar>,
                workers: Int = 1) {
        self.width = width
        self.capacity = capacity
        self.workers = max(1, workers)
        gain = parameters.make("\(name).weight", shape: [width], decays: false)
        gain.value.fill(1)
        bias = hasBias ? parameters.make("\(name).bias", shape: [width], decays: false) : nil
        normalised = Tensor([capacity, width])
        inverseDeviations = Tensor([capacity])
    }

    // x̂ = (x − mean x) / √(var x + ε),   y = γ ⊙ x̂ + β
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func forward(_ x: UnsafePointer<Scalar>, rows: Int, into y: UnsafeMutablePointer<Scalar>) {
        precondition(rows <= capacity, "LayerNorm: \(rows) rows exceed the capacity \(capacity)")
        let count = Scalar(width), epsilon: Scalar = 1e-5, width = width
        let g = gain.value.pointer, b = bias?.value.pointer
        let normalised = normalised.pointer, inverseDeviations = inverseDeviations.pointer
        forEachBlock(rows, workers: rows < 64 ? 1 : workers) { _, range in for r in range {
            let input = x + r * width, xhat = normalised + r * width, output = y + r * width
            var sum: Scalar = 0
            for i in 0..<width { sum += input[i] }
            let mean = sum / count
            var squares: Scalar = 0
            for i in 0..<width { let c = input[i] - mean; squares += c * c }
            let inverse = 1 / (squares / count + epsilon).squareRoot()
            inverseDeviations[r] = inverse
            for i in 0..<width {
                xhat[i] = (input[i] - mean) * inverse
                output[i] = g[i] * xhat[i] + (b?[i] ?? 0)
            }
        } }
    }

    // ∂γ += Σ ∂y ⊙ x̂,  ∂β += Σ ∂y,  ∂x = (1/σ)(∂x̂ − mean ∂x̂ − x̂ · mean(∂x̂ ⊙ x̂)) with ∂x̂ = ∂y ⊙ γ
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func backward(outputGradient dy: UnsafePointer<Scalar>, rows: Int,
                         inputGradient dx: UnsafeMutablePointer<Scalar>, accumulate: Bool = false) {
        let count = Scalar(width), width = width
        let g = gain.value.pointer, dg = gain.gradient.pointer, db = bias?.gradient.pointer
        let normalised = normalised.pointer, inverseDeviations = inverseDeviations.pointer
        forEachBlock(rows, workers: rows < 64 ? 1 : workers) { _, range in for r in range {
            let upstream = dy + r * width, xhat = normalised + r * width, output = dx + r * width
            var meanGradient: Scalar = 0, meanProjection: Scalar = 0
            for i in 0..<width {
                let d = upstream[i] * g[i]
                meanGradient += d
                meanProjection += d * xhat[i]
            }
            meanGradient /= count
            meanProjection /= count
            let inverse = inverseDeviations[r]
            for i in 0..<width {
                let value = inverse * (upstream[i] * g[i] - meanGradient - xhat[i] * meanProjection)
                output[i] = accumulate ? output[i] + value : value
            }
        } }
        for r in 0..<rows {
            let upstream = dy + r * width, xhat = normalised + r * width
            for i in 0..<width {
                dg[i] += upstream[i] * xhat[i]
                db?[i] += upstream[i]
            }
        }
    }
}
