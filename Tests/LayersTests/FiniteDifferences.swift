import Testing
import NumericCore
@testable import Layers

/// Central finite differences in Float64 against a hand-written backward pass.
///
/// `loss` runs the forward pass and returns a scalar; `backward` (after a fresh `loss`) fills the analytic gradients of
/// every tensor in `checked` (value, gradient pairs). Each checked entry is perturbed by ±h; the two must agree to
/// `tolerance` relative to max(1, |analytic|).
struct GradientCheck {
    var h = 1e-6
    var tolerance = 1e-6

    func verify(_ checked: [(name: String, value: Tensor<Double>, gradient: Tensor<Double>)],
                loss: () -> Double, backward: () -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
        for entry in checked { entry.gradient.fill(0) }
        _ = loss()
        backward()
        for entry in checked {
            let analytic = entry.gradient.values
            var worst = 0.0
            for i in 0..<entry.value.count {
                let saved = entry.value[i]
                entry.value[i] = saved + h
                let up = loss()
                entry.value[i] = saved - h
                let down = loss()
                entry.value[i] = saved
                let numeric = (up - down) / (2 * h)
                worst = max(worst, abs(numeric - analytic[i]) / max(1, abs(analytic[i])))
            }
            #expect(worst <= tolerance, "\(entry.name): worst relative error \(worst)", sourceLocation: sourceLocation)
        }
    }
}

/// Random tensors from a seeded generator.
func randomTensor(_ shape: [Int], _ generator: inout SeededGenerator, scale: Double = 1) -> Tensor<Double> {
    let t = Tensor<Double>(shape)
    for i in 0..<t.count { t[i] = scale * generator.nextGaussian() }
    return t
}

/// Σ w ⊙ y: a scalar that depends on every output entry, with ∂/∂y = w.
func weightedSum(_ y: UnsafePointer<Double>, _ w: Tensor<Double>, count: Int) -> Double {
    var s = 0.0
    for i in 0..<count { s += y[i] * w[i] }
    return s
}
