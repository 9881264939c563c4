import HDF5
import NumericCore
import PipelineEngine
import StageSupport
import PositionalModels

/// Stage kind `verify-positional` (Figure 6): compares the trained P with the closed form of early-stopped GD,
/// p^{(k)} = [I − (I − (2η/(T−1)) K_t)^k] e_{t+1}, using the batch's empirical K (must agree to round-off) and the
/// population Toeplitz K_{ab} = sinc((a−b)ω), ω = 4π/μ (agrees up to sampling error).
///
/// A note on why the figure shows early-stopped GD: the optimum is trivial (P[t, t+1] = 1) but K is singular to
/// working precision, so the directions GD has not yet fitted after k steps shape the picture.
struct VerifyPositionalKind: DeclaresDatasets {
    let name = "verify-positional"
    let version = 5
    let datasets = TheoryTable.datasets + [
        DatasetDeclaration("closed_form.h5", "mu_<μ>/empirical", ["query position t": "positions", "key position": "positions"],
                           "the early-stopped GD closed form of P from the empirical kernel of the training sequences"),
        DatasetDeclaration("closed_form.h5", "mu_<μ>/population", ["query position t": "positions", "key position": "positions"],
                           "the early-stopped GD closed form of P from the population kernel"),
    ]
    func toolchain() -> [String: String] { NativeToolchain.numerics }
    let summary = "Figure 6: check trained P against the early-stopped GD closed form (empirical and population K)"
    let parameters: [ParameterSpec] = [
        ParameterSpec("empirical_tolerance", .number, default: .number(1e-9),
                      help: "largest relative Frobenius error accepted against the empirical closed form", minimum: 0),
        ParameterSpec("population_tolerance", .number, default: .number(0.03),
                      help: "largest relative Frobenius error accepted against the population closed form", minimum: 0),
        ParameterSpec("figure", .fileName, default: .string("fig6"), help: "name of the theory table (FIGURE-theory.md)"),
    ]
    let inputs = [
        InputSlot("trained", help: "a train-positional stage"),
        InputSlot("sequences", help: "the phase sequences it was trained on"),
    ]

    func publishedFiles(_ parameters: StageParameters) -> [String] {
        TheoryTable.publishedFiles(figure: parameters.string("figure"))
    }

    func run(_ context: StageContext) throws {
        let p = context.parameters
        let trained = try context.openHDF5("trained", "positional.h5")
        let source = try context.openHDF5("sequences", "sequences.h5")
        let steps = try source.intAttribute("steps")
        let angles = try source.readDoubles("train/angles").values
        let trainingParameters = try trained.stringAttribute("icar_parameters")
        guard case let .object(members) = try JSONParser.parse(trainingParameters),
              case let .array(muValues)? = members.first(where: { $0.key == "mus" })?.value,
              case let .number(learningRate)? = members.first(where: { $0.key == "learning_rate" })?.value else {
            throw PipelineError("positional.h5 does not record its training parameters")
        }
        let mus = muValues.compactMap { value -> Double? in if case let .number(v) = value { return v } else { return nil } }
        var table = TheoryTable(title: "Figure 6 — positional encoding only: early-stopped GD closed form")
        let closedForms = try context.createHDF5("closed_form.h5", declared: datasets)
        for mu in mus {
            let group = TrainPositionalKind.group(mu)
            let (weights, shape) = try trained.readDoubles("\(group)/P")
            let trainedP = Matrix(rows: shape[0], columns: shape[1], elements: weights)
            let k = try trained.intAttribute("steps", on: "\(group)/P")
            let reached = try trained.intAttribute("reached_threshold", on: "\(group)/P") == 1
            let sequences = PhaseSequences(angles: angles, mu: mu, steps: steps)
            let empirical = PositionalKernel.empirical(of: sequences)
            let population = PositionalKernel.population(size: trainedP.rows, mu: mu)
            let empiricalForm = EarlyStoppedClosedForm.weights(kernel: empirical, learningRate: learningRate, steps: k)
            let populationForm = EarlyStoppedClosedForm.weights(kernel: population, learningRate: learningRate, steps: k)
            try closedForms.write("\(group)/empirical", empiricalForm.elements, shape: shape)
            try closedForms.write("\(group)/population", populationForm.elements, shape: shape)
            let label = "μ = \(TheoryRow.format(mu))"
            // PAPER.md §4's stopping steps for μ = 50, 100, 200, 300 (the reference's θ are unseeded, so ours differ a little).
            let paperSteps: [Double: String] = [50: "887", 100: "767", 200: "662", 300: "474"]
            table.rows.append(TheoryRow(claim: "\(label): GD reached the loss threshold (stopping step k)", measured: Double(k),
                                        tolerance: "threshold reached", passed: reached, paper: paperSteps[mu] ?? ""))
            table.rows.append(.below("\(label): ‖P − P^(k)_empirical K‖_F / ‖P^(k)‖_F",
                                     EarlyStoppedClosedForm.relativeFrobeniusError(trainedP, reference: empiricalForm),
                                     p.number("empirical_tolerance"), note: "closed form with the batch's K: exact", paper: "0 (float precision)"))
            table.rows.append(.below("\(label): ‖P − P^(k)_population K‖_F / ‖P^(k)‖_F",
                                     EarlyStoppedClosedForm.relativeFrobeniusError(trainedP, reference: populationForm),
                                     p.number("population_tolerance"), note: "sampling error of b = \(sequences.count) sequences", paper: "≈ 0.01"))
            let conditionPopulation = try PositionalKernel.conditionNumber(of: population)
            let eigenvalues = try LinearAlgebra.symmetricEigenvalues(of: population)
            table.rows.append(.report("\(label): cond(K) of the population kernel", conditionPopulation,
                                      note: String(format: "eigenvalues from %.2e to %.2f: singular to working precision", eigenvalues.first ?? 0, eigenvalues.last ?? 0),
                                      paper: "≈ 1e18"))
            var superDiagonal = 0.0
            for t in 0..<(trainedP.rows - 1) { superDiagonal = max(superDiagonal, abs(trainedP[t, t + 1] - 1)) }
            table.rows.append(.report("\(label): max_t |P[t, t+1] − 1| (distance from the trivial optimum)", superDiagonal))
        }
        try closedForms.close()
        table.notes = [
            "The optimum of this loss is trivial (P[t, t+1] = 1, all else 0), but K is singular to working precision "
                + "(its eigenvalues span ~17 orders of magnitude), so GD stopped at loss 1e-3 is far from it; the "
                + "figure shows early-stopped GD, which the closed form describes exactly.",
            "The reference script (pe_only.py) draws θ from an unseeded NumPy generator, so its stopping steps "
                + "(PAPER.md: 887, 767, 662, 474) can only be matched approximately; its figure drops the super-diagonal, "
                + "which ours shows.",
        ]
        try table.write(context, figure: p.string("figure"))
    }
}
