import Foundation
import NumericCore

/// Adam and AdamW with PyTorch's semantics (torch.optim.AdamW; Adam is the case weightDecay = 0), over a
/// ParameterSet, with the decay applied only to parameters made with `decays: true` (the parameter groups of
/// nanoGPT's configure_optimizers):
///   θ ← θ (1 − lr·λ)   (decoupled decay, decaying parameters only)
///   m ← β1 m + (1 − β1) g,   v ← β2 v + (1 − β2) g²,   θ ← θ − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
public final class AdamW<Scalar: BLASScalar> {
    public let parameters: ParameterSet<Scalar>
    public let beta1: Scalar
    public let beta2: Scalar
    public let epsilon: Scalar
    public let weightDecay: Scalar
    public private(set) var step = 0
    let firstMoments: [Tensor<Scalar>]
    let secondMoments: [Tensor<Scalar>]

    public init(_ parameters: ParameterSet<Scalar>, beta1: Scalar = 0.9, beta2: Scalar = 0.999, epsilon: Scalar = 1e-8,
                weightDecay: Scalar = 0) {
        self.parameters = parameters
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        firstMoments = parameters.parameters.map { Tensor($0.shape) }
        secondMoments = parameters.parameters.map { Tensor($0.shape) }
    }

    /// One step at `learningRate` from the gradients now in the parameters.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func update(learningRate: Scalar) {
        step += 1
        let correction1 = 1 - Scalar(pow(Double(beta1), Double(step)))
        let correction2Root = Scalar((1 - pow(Double(beta2), Double(step))).squareRoot())
        let stepSize = learningRate / correction1
        for (index, parameter) in parameters.parameters.enumerated() {
            let theta = parameter.value.pointer, g = parameter.gradient.pointer
            let m = firstMoments[index].pointer, v = secondMoments[index].pointer
            let shrink: Scalar = parameter.decays ? 1 - learningRate * weightDecay : 1
            for i in 0..<parameter.count {
                theta[i] *= shrink
                m[i] = beta1 * m[i] + (1 - beta1) * g[i]
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
                theta[i] -= stepSize * m[i] / (v[i].squareRoot() / correction2Root + epsilon)
            }
        }
    }
}

/// Clipping by global norm (torch.nn.utils.clip_grad_norm_): if ‖g‖ > c, every gradient is scaled by c/(‖g‖ + 1e-6).
/// Returns the norm before clipping.
@discardableResult
public func clipGradientNorm<Scalar: BLASScalar>(_ parameters: ParameterSet<Scalar>, maximum: Double) -> Double {
    let norm = parameters.gradientNorm()
    let factor = maximum / (norm + 1e-6)
    guard factor < 1 else { return norm }
    for parameter in parameters.parameters { Scalar.scale(parameter.gradient.pointer, count: parameter.count, by: factor) }
    return norm
}

/// A learning rate per step: constant, or nanoGPT's linear warm-up then cosine decay to a floor.
public enum LearningRateSchedule: Sendable, Equatable {
    case constant(Double)
    case warmupCosine(peak: Double, floor: Double, warmupSteps: Int, decaySteps: Int)

    // warm-up: lr = peak · s / w;  decay: lr = floor + ½ (1 + cos(π (s − w)/(D − w))) (peak − floor);  after D: floor
    /// The rate at step `s` (counted from 0, as nanoGPT's iter_num).
    public func rate(at s: Int) -> Double {
        switch self {
        case .constant(let rate): return rate
        case let .warmupCosine(peak, floor, warmup, decay):
            if s < warmup { return peak * Double(s) / Double(warmup) }
            if s > decay { return floor }
            let progress = Double(s - warmup) / Double(max(decay - warmup, 1))
            return floor + 0.5 * (1 + cos(Double.pi * progress)) * (peak - floor)
        }
    }
}
