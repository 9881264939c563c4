import NumericCore

/// The outcome of full-batch gradient descent on the positional weights.
public struct PositionalTrainingResult: Sendable {
    /// P_k, the weights after the last step.
    public let weights: Matrix
    /// losses[j] = L(P_j) for j = 0 … k (k + 1 values; the last is the loss of the returned weights).
    public let losses: [Double]
    /// k, the number of gradient steps taken.
    public let steps: Int
    /// Whether the run ended by the threshold rule (false for a fixed number of steps, or when the step budget ran
    /// out first).
    public let reachedThreshold: Bool
}

/// Full-batch gradient descent P_{j+1} = P_j − η ∇L(P_j) from P_0 = 0 (PAPER.md §4: η = 0.5).
public enum PositionalTraining {
    /// Runs exactly `steps` steps.
    public static func train(model: PositionalModel, learningRate: Double, steps: Int) throws -> PositionalTrainingResult {
        try run(model: model, learningRate: learningRate, maximumSteps: steps) { _, _ in false }
    }

    /// Stops one step after the loss first drops below `threshold`.
    ///
    /// A note on the stopping rule, which is the reference's loop read literally: with m the first j such that
    /// L(P_j) < threshold, the reference still applies the update computed at P_m and returns P_{m+1}; so the
    /// number of steps is k = m + 1 and L(P_{k−1}) < threshold ≤ L(P_{k−2}). If the threshold is not reached within
    /// `maximumSteps` steps, the result has `reachedThreshold == false` and k = maximumSteps.
    public static func trainUntil(model: PositionalModel, learningRate: Double, threshold: Double = 1e-3,
                                  maximumSteps: Int = 100_000) throws -> PositionalTrainingResult {
        try run(model: model, learningRate: learningRate, maximumSteps: maximumSteps) { step, losses in
            // Stop before step j when L(P_{j−1}) < threshold, i.e. right after the step from P_{j−1}.
            step >= 1 && losses[step - 1] < threshold
        }
    }

    private static func run(model: PositionalModel, learningRate: Double, maximumSteps: Int,
                            shouldStop: (Int, [Double]) -> Bool) throws -> PositionalTrainingResult {
        var weights = Matrix(rows: model.size, columns: model.size)
        var losses: [Double] = []
        var step = 0
        while true {
            let (loss, gradient) = model.lossAndGradient(weights)
            try TrainingDiverged.check(loss, step: step)
            losses.append(loss)
            if shouldStop(step, losses) {
                return PositionalTrainingResult(weights: weights, losses: losses, steps: step, reachedThreshold: true)
            }
            if step == maximumSteps { break }
            // P ← P − η ∇L(P)
            for index in weights.elements.indices { weights.elements[index] -= learningRate * gradient.elements[index] }
            step += 1
        }
        return PositionalTrainingResult(weights: weights, losses: losses, steps: step, reachedThreshold: false)
    }
}
