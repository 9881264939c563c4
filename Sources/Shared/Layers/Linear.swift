import NumericCore

/// A fully connected layer with PyTorch's weight layout (out × in), with or without bias.
///
/// A note on threads: the products are split over `workers` threads by rows of the result (rows of y and ∂x, rows
/// of ∂W), never along the summed dimension, and BLAS itself runs single-threaded in stages; so every entry is the
/// same sum in the same order whatever the number of workers, and the bytes do not depend on it.
public final class Linear<Scalar: BLASScalar> {
    public let inputs: Int
    public let outputs: Int
    public let weight: Parameter<Scalar>
    public let bias: Parameter<Scalar>?
    public let workers: Int

    public init(_ name: String, inputs: Int, outputs: Int, bias hasBias: Bool, in parameters: ParameterSet<Scalar>,
                workers: Int = 1) {
        self.inputs = inputs
        self.outputs = outputs
        self.workers = max(1, workers)
        weight = parameters.make("\(name).weight", shape: [outputs, inputs], decays: true)
        bias = hasBias ? parameters.make("\(name).bias", shape: [outputs], decays: false) : nil
    }

    // y = x Wᵀ + b   (x: rows × in, y: rows × out)
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func forward(_ x: UnsafePointer<Scalar>, rows: Int, into y: UnsafeMutablePointer<Scalar>) {
        let w = weight.value.pointer, b = bias?.value.pointer, inputs = inputs, outputs = outputs
        forEachBlock(rows, workers: rowWorkers(rows)) { _, range in
            Scalar.gemm(transposeA: false, transposeB: true, m: range.count, n: outputs, k: inputs, alpha: 1,
                        a: x + range.lowerBound * inputs, lda: inputs, b: w, ldb: inputs, beta: 0,
                        c: y + range.lowerBound * outputs, ldc: outputs)
            guard let b else { return }
            for r in range { let row = y + r * outputs; for j in 0..<outputs { row[j] += b[j] } }
        }
    }

    /// Small products are not worth a second thread.
    func rowWorkers(_ rows: Int) -> Int { rows * inputs * outputs < 1 << 16 ? 1 : workers }

    // ∂W += ∂yᵀ x,   ∂b += Σ_rows ∂y,   ∂x = ∂y W (added to ∂x when `accumulate`)
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func backward(input x: UnsafePointer<Scalar>, outputGradient dy: UnsafePointer<Scalar>, rows: Int,
                         inputGradient dx: UnsafeMutablePointer<Scalar>?, accumulate: Bool = false) {
        let w = weight.value.pointer, dw = weight.gradient.pointer, inputs = inputs, outputs = outputs
        let db = bias?.gradient.pointer
        forEachBlock(outputs, workers: rowWorkers(rows)) { _, range in
            Scalar.gemm(transposeA: true, transposeB: false, m: range.count, n: inputs, k: rows, alpha: 1,
                        a: dy + range.lowerBound, lda: outputs, b: x, ldb: inputs, beta: 1,
                        c: dw + range.lowerBound * inputs, ldc: inputs)
            guard let db else { return }
            for r in 0..<rows { let row = dy + r * outputs; for j in range { db[j] += row[j] } }
        }
        guard let dx else { return }
        forEachBlock(rows, workers: rowWorkers(rows)) { _, range in
            Scalar.gemm(transposeA: false, transposeB: false, m: range.count, n: inputs, k: outputs, alpha: 1,
                        a: dy + range.lowerBound * outputs, lda: outputs, b: w, ldb: inputs,
                        beta: accumulate ? 1 : 0, c: dx + range.lowerBound * inputs, ldc: inputs)
        }
    }
}
