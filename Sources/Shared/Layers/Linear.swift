import Numerics

/// A fully connected layer with PyTorch's weight layout (out × in), with or without bias.
public final class Linear<Scalar: BLASScalar> {
    public let inputs: Int
    public let outputs: Int
    public let weight: Parameter<Scalar>
    public let bias: Parameter<Scalar>?

    public init(_ name: String, inputs: Int, outputs: Int, bias hasBias: Bool, in parameters: ParameterSet<Scalar>) {
        self.inputs = inputs
        self.outputs = outputs
        weight = parameters.make("\(name).weight", shape: [outputs, inputs], decays: true)
        bias = hasBias ? parameters.make("\(name).bias", shape: [outputs], decays: false) : nil
    }

    // y = x Wᵀ + b   (x: rows × in, y: rows × out)
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func forward(_ x: UnsafePointer<Scalar>, rows: Int, into y: UnsafeMutablePointer<Scalar>) {
        Scalar.gemm(transposeA: false, transposeB: true, m: rows, n: outputs, k: inputs, alpha: 1,
                    a: x, lda: inputs, b: weight.value.pointer, ldb: inputs, beta: 0, c: y, ldc: outputs)
        guard let bias else { return }
        let b = bias.value.pointer
        for r in 0..<rows { let row = y + r * outputs; for j in 0..<outputs { row[j] += b[j] } }
    }

    // ∂W += ∂yᵀ x,   ∂b += Σ_rows ∂y,   ∂x = ∂y W (added to ∂x when `accumulate`)
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func backward(input x: UnsafePointer<Scalar>, outputGradient dy: UnsafePointer<Scalar>, rows: Int,
                         inputGradient dx: UnsafeMutablePointer<Scalar>?, accumulate: Bool = false) {
        Scalar.gemm(transposeA: true, transposeB: false, m: outputs, n: inputs, k: rows, alpha: 1,
                    a: dy, lda: outputs, b: x, ldb: inputs, beta: 1, c: weight.gradient.pointer, ldc: inputs)
        if let bias {
            let db = bias.gradient.pointer
            for r in 0..<rows { let row = dy + r * outputs; for j in 0..<outputs { db[j] += row[j] } }
        }
        guard let dx else { return }
        Scalar.gemm(transposeA: false, transposeB: false, m: rows, n: inputs, k: outputs, alpha: 1,
                    a: dy, lda: outputs, b: weight.value.pointer, ldb: inputs, beta: accumulate ? 1 : 0,
                    c: dx, ldc: inputs)
    }
}
