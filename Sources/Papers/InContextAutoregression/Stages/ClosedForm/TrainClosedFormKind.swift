import ClosedFormModels
import HDF5
import NumericCore
import PipelineEngine
import StageSupport

/// Stage kind `train-closed-form` (Figure 3): plain GD on the exact population loss of the diagonal multi-head
/// model — `unitary` (PAPER.md §2) or commuting `rotations` (§3) — from A, B, P ~ 0.1·N(0, 1), in Float64.
///
/// A note on Float64: the theory rows compare against exact zeros (loss ≈ 1e-13, ratio −1/2 to 1e-12); the
/// reference trains in float32, which is why its ratio stops at −0.49988.
struct TrainClosedFormKind: DeclaresDatasets {
    let name = "train-closed-form"
    let version = 3
    let datasets = Self.parameterDatasets("trained.h5") + [
        DatasetDeclaration("trained.h5", "losses", ["record": "recorded_iterations"], "population loss at each recorded iteration"),
        DatasetDeclaration("trained.h5", "loss_iterations", ["record": "recorded_iterations"],
                           "the GD iteration of each entry of losses (every loss_stride-th, and the last)"),
    ]

    /// A, B and P of the diagonal multi-head model as `write(_:to:)` stores them in `file`.
    static func parameterDatasets(_ file: String) -> [DatasetDeclaration] {
        [DatasetDeclaration(file, "A", ["head": "heads", "coordinate": "dimension"], "A: row h is head h's query-side weights"),
         DatasetDeclaration(file, "B", ["head": "heads", "coordinate": "dimension"], "B: row h is head h's value-side weights"),
         DatasetDeclaration(file, "P", ["query position t": "context_length", "key position": "context_length"],
                            "positional weights P; row t (t = 0 … T−2) uses P[t, 0 … t+1]")]
    }
    func toolchain() -> [String: String] { NativeToolchain.numerics }
    let summary = "Figure 3: GD on the closed-form population loss (unitary or rotations), Float64"
    let parameters: [ParameterSpec] = [
        ParameterSpec("case", .string, help: "unitary (PAPER.md §2) or rotations (§3)", choices: ["unitary", "rotations"]),
        ParameterSpec("variant", .string, default: .string("exact"),
                      help: "unitary only: exact loss, or the reference script's (adds p_q²‖C‖_F² per row)",
                      choices: ["exact", "reference"]),
        ParameterSpec("dimension", .integer, help: "d", minimum: 1),
        ParameterSpec("heads", .integer, help: "H", minimum: 1),
        ParameterSpec("context_length", .integer, help: "T (P is T×T)", minimum: 3),
        ParameterSpec("learning_rate", .number, help: "GD step size", minimum: 0),
        ParameterSpec("iterations", .integer, help: "GD iterations", minimum: 0),
        ParameterSpec("init_scale", .number, default: .number(0.1), help: "A, B, P start at init_scale·N(0, 1)", minimum: 0),
        ParameterSpec("loss_stride", .integer, default: .integer(1), help: "record the loss every this many iterations",
                      minimum: 1),
        ParameterSpec("seed", .integer, help: "seed of the initialisation (A, then B, then P, row-major)"),
    ]

    func run(_ context: StageContext) throws {
        let p = context.parameters
        let d = p.integer("dimension"), heads = p.integer("heads"), length = p.integer("context_length")
        if p.string("case") == "rotations", d % 2 != 0 { throw PipelineError("rotations need an even dimension, got \(d)") }
        var generator = SeededGenerator(seed: p.seed())
        let initial = DiagonalMultiHeadParameters(heads: heads, dimension: d, contextLength: length,
                                                  scale: p.number("init_scale"), generator: &generator)
        let iterations = p.integer("iterations")
        let progress: (Int) -> Void = { context.progress($0, of: iterations) }
        let result: GradientDescentResult
        if p.string("case") == "unitary" {
            let variant = UnitaryPopulationLoss.Variant(rawValue: p.string("variant"))!
            result = try trainByGradientDescent(UnitaryPopulationLoss(dimension: d, contextLength: length, variant: variant),
                                            from: initial, learningRate: p.number("learning_rate"), iterations: iterations,
                                            lossStride: p.integer("loss_stride"), progressInterval: 1000, progress: progress)
        } else {
            result = try trainByGradientDescent(RotationPopulationLoss(dimension: d, contextLength: length),
                                            from: initial, learningRate: p.number("learning_rate"), iterations: iterations,
                                            lossStride: p.integer("loss_stride"), progressInterval: 1000, progress: progress)
        }
        context.progress(iterations, of: iterations)
        let file = try context.createHDF5("trained.h5", declared: datasets)
        try Self.write(result.parameters, to: file)
        try file.write("losses", result.losses, shape: [result.losses.count])
        try file.write("loss_iterations", result.recordedIterations.map(Int64.init), shape: [result.recordedIterations.count])
        try file.setAttribute("final_loss", result.finalLoss)
        try file.setAttribute("initial_loss", result.losses.first ?? .nan)
        try file.close()
        context.log("final loss \(result.finalLoss) after \(iterations) iterations")
    }

    static func write(_ parameters: DiagonalMultiHeadParameters, to file: HDF5Output) throws {
        for (name, matrix) in [("A", parameters.a), ("B", parameters.b), ("P", parameters.positionalWeights)] {
            try file.write(name, matrix.elements, shape: [matrix.rows, matrix.columns])
        }
    }

    static func read(_ file: HDF5File) throws -> DiagonalMultiHeadParameters {
        func matrix(_ name: String) throws -> Matrix {
            let (values, shape) = try file.readDoubles(name)
            return Matrix(rows: shape[0], columns: shape[1], elements: values)
        }
        return DiagonalMultiHeadParameters(a: try matrix("A"), b: try matrix("B"), positionalWeights: try matrix("P"))
    }
}
