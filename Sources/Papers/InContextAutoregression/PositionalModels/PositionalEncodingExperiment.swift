import NumericCore

/// Everything Fig. 6 needs for one μ: the trained positional weights and the two closed forms they are checked against.
public struct PositionalEncodingExperiment: Sendable {
    /// Gradient descent on the batch, stopped one step after the loss first drops below the threshold.
    public let training: PositionalTrainingResult
    /// Empirical K of the batch (T×T).
    public let empiricalKernel: Matrix
    /// Population sinc K (T×T).
    public let populationKernel: Matrix
    /// P^{(k)} from the empirical K: equals the trained P up to round-off.
    public let empiricalClosedForm: Matrix
    /// P^{(k)} from the population K: the figure's prediction for b → ∞ at the same k.
    public let populationClosedForm: Matrix
    /// ||P_trained − P^{(k)}_empirical||_F / ||P^{(k)}_empirical||_F.
    public let empiricalError: Double
    /// ||P_trained − P^{(k)}_population||_F / ||P^{(k)}_population||_F.
    public let populationError: Double
    /// cond of the largest row kernel K_{T−2} (keys 0 … T−1), empirical and population (see the note at
    /// `PositionalKernel.conditionNumber`).
    public let empiricalCondition: Double
    public let populationCondition: Double
    /// Eigenvalues (increasing) of the same two kernels; GD has fitted the directions with α·k·λ ≳ 1, α = 2η/(T−1).
    public let empiricalEigenvalues: [Double]
    public let populationEigenvalues: [Double]

    /// Runs Fig. 6 for one batch (PAPER.md §4: b = 1000, T = 30, η = 0.5, threshold 1e-3).
    public static func run(sequences: PhaseSequences, mu: Double, learningRate: Double = 0.5,
                           threshold: Double = 1e-3, maximumSteps: Int = 100_000) throws -> PositionalEncodingExperiment {
        let model = PositionalModel(sequences: sequences)
        let training = try PositionalTraining.trainUntil(model: model, learningRate: learningRate, threshold: threshold,
                                                     maximumSteps: maximumSteps)
        let empirical = PositionalKernel.empirical(of: sequences)
        let population = PositionalKernel.population(size: model.size, mu: mu)
        let empiricalClosedForm = EarlyStoppedClosedForm.weights(kernel: empirical, learningRate: learningRate,
                                                                 steps: training.steps)
        let populationClosedForm = EarlyStoppedClosedForm.weights(kernel: population, learningRate: learningRate,
                                                                  steps: training.steps)
        return PositionalEncodingExperiment(
            training: training, empiricalKernel: empirical, populationKernel: population,
            empiricalClosedForm: empiricalClosedForm, populationClosedForm: populationClosedForm,
            empiricalError: EarlyStoppedClosedForm.relativeFrobeniusError(training.weights,
                                                                          reference: empiricalClosedForm),
            populationError: EarlyStoppedClosedForm.relativeFrobeniusError(training.weights,
                                                                           reference: populationClosedForm),
            empiricalCondition: try PositionalKernel.conditionNumber(of: empirical),
            populationCondition: try PositionalKernel.conditionNumber(of: population),
            empiricalEigenvalues: try LinearAlgebra.symmetricEigenvalues(of: empirical),
            populationEigenvalues: try LinearAlgebra.symmetricEigenvalues(of: population))
    }
}
