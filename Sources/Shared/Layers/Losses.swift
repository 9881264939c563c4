import NumericCore

/// The value of a loss and the number of terms its mean is over (so batches of different sizes can be combined
/// into one epoch figure weighted by their terms, the single loss accounting of every training loop).
public struct LossValue: Sendable, Equatable {
    public let mean: Double
    public let terms: Int

    /// A loss computed outside the layer library (a model with its own kernels), for the shared loop's accounting.
    public init(mean: Double, terms: Int) {
        self.mean = mean
        self.terms = terms
    }
}

/// Token-level cross-entropy over the rows whose target is not `ignored` (PyTorch ignore_index).
public enum CrossEntropy {
    // ℓ = (1/N) Σ_{r : y_r ≠ ignored} (log Σ_j exp z_rj − z_r,y_r),   ∂z_rj = (softmax(z_r)_j − [j = y_r]) / N
    /// Writes ∂ℓ/∂logits to `gradient` (which may be `logits` itself); ignored rows get a zero gradient.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    /// Rows are split over `workers` threads; the row losses are summed in row order afterwards.
    public static func evaluate<Scalar: BLASScalar>(logits: UnsafePointer<Scalar>, targets: [Int32], ignored: Int32,
                                                    classes: Int, gradient: UnsafeMutablePointer<Scalar>,
                                                    workers: Int = 1) -> LossValue {
        let counted = targets.reduce(0) { $0 + ($1 == ignored ? 0 : 1) }
        let normaliser = Scalar(1) / Scalar(max(counted, 1))
        var rowLosses = [Double](repeating: 0, count: targets.count)
        rowLosses.withUnsafeMutableBufferPointer { rowLosses in
        forEachBlock(targets.count, workers: targets.count < 64 ? 1 : workers) { _, range in for r in range {
            let target = targets[r]
            let z = logits + r * classes, g = gradient + r * classes
            if target == ignored { g.update(repeating: 0, count: classes); continue }
            precondition(target >= 0 && Int(target) < classes, "CrossEntropy: target \(target) outside 0..<\(classes)")
            var largest = z[0]
            for j in 1..<classes where z[j] > largest { largest = z[j] }
            var sum: Scalar = 0
            for j in 0..<classes { sum += Scalar.exponential(z[j] - largest) }
            let logSum = Scalar.logarithm(sum) + largest
            rowLosses[r] = Double(logSum - z[Int(target)])
            for j in 0..<classes { g[j] = Scalar.exponential(z[j] - logSum) * normaliser }
            g[Int(target)] -= normaliser
        } }
        }
        let total = rowLosses.reduce(0, +)
        return LossValue(mean: counted == 0 ? 0 : total / Double(counted), terms: counted)
    }
}

/// Mean squared error on the first `targetWidth` columns of each row (the rest of the output is not predicted).
public enum SlicedMeanSquaredError {
    // ℓ = (1/(R k)) Σ_r Σ_{i<k} (out_ri − y_ri)²,   ∂out_ri = 2 (out_ri − y_ri)/(R k) for i < k, 0 beyond
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public static func evaluate<Scalar: BLASScalar>(output: UnsafePointer<Scalar>, outputWidth: Int,
                                                    targets: UnsafePointer<Scalar>, targetWidth: Int, rows: Int,
                                                    gradient: UnsafeMutablePointer<Scalar>) -> LossValue {
        precondition(targetWidth <= outputWidth, "SlicedMeanSquaredError: \(targetWidth) > \(outputWidth)")
        let terms = rows * targetWidth
        let scale = 2 / Scalar(terms)
        var total = 0.0
        for r in 0..<rows {
            let out = output + r * outputWidth, y = targets + r * targetWidth, g = gradient + r * outputWidth
            for i in 0..<targetWidth {
                let difference = out[i] - y[i]
                // The value is summed from exact Double differences, so a Float loss is the MSE of its outputs to
                // Double precision (what a check of exported predictions recomputes).
                let exact = Double(out[i]) - Double(y[i])
                total += exact * exact
                g[i] = scale * difference
            }
            for i in targetWidth..<outputWidth { g[i] = 0 }
        }
        return LossValue(mean: total / Double(terms), terms: terms)
    }
}
