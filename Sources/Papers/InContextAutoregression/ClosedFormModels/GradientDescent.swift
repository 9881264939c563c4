import NumericCore

/// The outcome of a gradient-descent run: the final parameters and the loss trajectory.
public struct GradientDescentResult: Sendable {
    public var parameters: DiagonalMultiHeadParameters
    /// Iterations at which the loss was recorded: 0, stride, 2·stride, … and always the final count `iterations`.
    public var recordedIterations: [Int]
    /// The loss of the parameters at each recorded iteration (before that iteration's update).
    public var losses: [Double]
    public var finalLoss: Double { losses.last! }

    public init(parameters: DiagonalMultiHeadParameters, recordedIterations: [Int], losses: [Double]) {
        precondition(!losses.isEmpty && losses.count == recordedIterations.count,
                     "a result needs one recorded iteration per loss, and at least one")
        self.parameters = parameters
        self.recordedIterations = recordedIterations
        self.losses = losses
    }
}

/// Plain full gradient descent on a closed-form loss, θ ← θ − lr·∇L(θ), for A, B and P together.
///
/// - Parameters:
///   - lossStride: record the loss every `lossStride` iterations (1 = every iteration).
///   - progress: called with the iteration index every `progressInterval` iterations.
public func trainByGradientDescent<Loss: PopulationLoss>(
    _ loss: Loss, from initial: DiagonalMultiHeadParameters, learningRate: Double, iterations: Int,
    lossStride: Int = 1, progressInterval: Int = 1000, progress: ((Int) -> Void)? = nil
) throws -> GradientDescentResult {
    precondition(iterations >= 0 && lossStride >= 1 && progressInterval >= 1,
                 "need iterations ≥ 0, lossStride ≥ 1 and progressInterval ≥ 1")
    var parameters = initial
    var gradient = initial.zeroed
    var workspace = ProductWorkspace(dimension: loss.dimension)
    var recordedIterations: [Int] = []
    var losses: [Double] = []
    recordedIterations.reserveCapacity(iterations / lossStride + 2)
    losses.reserveCapacity(iterations / lossStride + 2)

    for iteration in 0..<iterations {
        let value = loss.evaluateThroughProduct(parameters, workspace: &workspace, gradient: &gradient)
        try TrainingDiverged.check(value, step: iteration)
        if iteration % lossStride == 0 {
            recordedIterations.append(iteration)
            losses.append(value)
        }
        step(&parameters.a.elements, along: gradient.a.elements, learningRate: learningRate)
        step(&parameters.b.elements, along: gradient.b.elements, learningRate: learningRate)
        step(&parameters.positionalWeights.elements, along: gradient.positionalWeights.elements,
             learningRate: learningRate)
        if let progress, iteration % progressInterval == 0 { progress(iteration) }
    }
    recordedIterations.append(iterations)
    losses.append(loss.loss(parameters))
    try TrainingDiverged.check(losses[losses.count - 1], step: iterations)
    return GradientDescentResult(parameters: parameters, recordedIterations: recordedIterations, losses: losses)
}

/// θ ← θ − lr·g, in place.
@inline(__always)
private func step(_ values: inout [Double], along gradient: [Double], learningRate: Double) {
    values.withUnsafeMutableBufferPointer { v in
        gradient.withUnsafeBufferPointer { g in
            for index in 0..<v.count { v[index] -= learningRate * g[index] }
        }
    }
}
