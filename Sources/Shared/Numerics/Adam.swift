#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Adam with PyTorch's semantics (torch.optim.Adam, no weight decay, no amsgrad), over flat Float32 buffers.
///
///   m ← β1 m + (1 − β1) g,   v ← β2 v + (1 − β2) g²
///   θ ← θ − lr · (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε)
///
/// A note on the order of operations: PyTorch divides the step size by the first bias correction and adds ε after
/// the square root of the corrected second moment; we follow that order so trajectories match to rounding.
public struct Adam {
    public let learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public private(set) var step = 0
    private var firstMoments: [[Float]]
    private var secondMoments: [[Float]]

    /// One moment buffer per parameter tensor, sized by `parameterCounts`.
    public init(parameterCounts: [Int], learningRate: Float = 1e-2, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        firstMoments = parameterCounts.map { [Float](repeating: 0, count: $0) }
        secondMoments = parameterCounts.map { [Float](repeating: 0, count: $0) }
    }

    /// Call once per optimisation step, before `update`.
    public mutating func beginStep() { step += 1 }

    /// Updates parameter tensor `index` in place from its gradient.
    public mutating func update(_ index: Int, parameters: inout [Float], gradient: [Float]) {
        precondition(step > 0, "Adam.update before beginStep")
        precondition(parameters.count == gradient.count && parameters.count == firstMoments[index].count,
                     "Adam.update: tensor \(index) has the wrong size")
        let correction1 = 1 - powf(beta1, Float(step))
        let correction2 = 1 - powf(beta2, Float(step))
        let stepSize = learningRate / correction1
        let correction2Root = correction2.squareRoot()
        firstMoments[index].withUnsafeMutableBufferPointer { m in
            secondMoments[index].withUnsafeMutableBufferPointer { v in
                for i in 0..<parameters.count {
                    let g = gradient[i]
                    m[i] = beta1 * m[i] + (1 - beta1) * g
                    v[i] = beta2 * v[i] + (1 - beta2) * g * g
                    let denominator = v[i].squareRoot() / correction2Root + epsilon
                    parameters[i] -= stepSize * m[i] / denominator
                }
            }
        }
    }
}
