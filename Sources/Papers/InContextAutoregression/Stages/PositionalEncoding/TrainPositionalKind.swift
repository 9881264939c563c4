import HDF5
import NumericCore
import PipelineEngine
import StageSupport
import PositionalModels

/// Stage kind `train-positional` (Figure 6): for each μ, full-batch GD on the positional weights P alone, from
/// P = 0, stopped one step after the loss first falls below the threshold (PAPER.md §4).
///
/// The sequences input holds the angles θ of a `phase` family; for each μ the tokens are s_t = e^{itθ/μ}, so every
/// μ sees the same draws, as in the reference.
struct TrainPositionalKind: DeclaresDatasets {
    let name = "train-positional"
    let version = 3
    /// One group per μ of `mus`, named mu_50 (or mu_0.5); P's attributes say where its GD stopped.
    let datasets = [
        DatasetDeclaration("positional.h5", "mu_<μ>/P", ["query position t": "positions", "key position": "positions"],
                           "positional weights P trained by GD until the loss threshold (attributes mu, steps, reached_threshold)"),
        DatasetDeclaration("positional.h5", "mu_<μ>/losses", ["GD step": "stopping_step+1"], "training loss at each GD step"),
    ]
    func toolchain() -> [String: String] { NativeToolchain.numerics }
    let summary = "Figure 6: train positional weights P by full-batch GD on phase sequences, one run per μ"
    let parameters: [ParameterSpec] = [
        ParameterSpec("mus", .numberList, help: "the values of μ (λ = e^{iθ/μ})"),
        ParameterSpec("learning_rate", .number, default: .number(0.5), help: "GD step size η", minimum: 0),
        ParameterSpec("threshold", .number, default: .number(1e-3), help: "stop one step after the loss falls below this",
                      minimum: 0),
        ParameterSpec("max_steps", .integer, default: .integer(100_000), help: "give up after this many steps", minimum: 1),
    ]
    let inputs = [InputSlot("sequences", help: "a generate-sequences stage of family phase (its angles are used)")]

    func run(_ context: StageContext) throws {
        let p = context.parameters
        let source = try context.openHDF5("sequences", "sequences.h5")
        let steps = try source.intAttribute("steps")
        let angles = try source.readDoubles("train/angles").values
        let output = try context.createHDF5("positional.h5", declared: datasets)
        let mus = p.numbers("mus")
        for (index, mu) in mus.enumerated() {
            context.progress(index, of: mus.count, "μ = \(TheoryRow.format(mu))")
            let sequences = PhaseSequences(angles: angles, mu: mu, steps: steps)
            let model = PositionalModel(sequences: sequences)
            let result = try PositionalTraining.trainUntil(model: model, learningRate: p.number("learning_rate"),
                                                       threshold: p.number("threshold"), maximumSteps: p.integer("max_steps"))
            let group = Self.group(mu)
            try output.write("\(group)/P", result.weights.elements, shape: [result.weights.rows, result.weights.columns])
            try output.write("\(group)/losses", result.losses, shape: [result.losses.count])
            try output.setAttribute("mu", mu, on: "\(group)/P")
            try output.setAttribute("steps", result.steps, on: "\(group)/P")
            try output.setAttribute("reached_threshold", result.reachedThreshold ? 1 : 0, on: "\(group)/P")
            context.log("μ = \(mu): stopped after k = \(result.steps) steps, loss \(result.losses.last ?? .nan)")
        }
        context.progress(mus.count, of: mus.count)
        try output.close()
    }

    /// The HDF5 group of one μ, e.g. `mu_50`.
    static func group(_ mu: Double) -> String {
        mu == mu.rounded() ? "mu_\(Int(mu))" : "mu_\(mu)"
    }
}
