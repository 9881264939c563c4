import AugmentedTransformer
import GradientDescentBaselines
import HDF5
import NumericCore
import PipelineEngine
import StageSupport

/// Stage kind `verify-augmented` (Figure 5): the one-gradient-step theory of PAPER.md §5 against the trained
/// 1-layer network — block energies of W_QᵀW_K and W_O W_V, the cosine with Γ_t s_t — and the test MSE placed
/// among in-context baselines computed here on the same test data (none is hard-coded).
struct VerifyAugmentedKind: DeclaresDatasets {
    let name = "verify-augmented"
    let version = 8
    let datasets = TheoryTable.datasets + [
        DatasetDeclaration("baselines.h5", "mse", ["baseline": "baselines"],
                           "test MSE of each in-context baseline, in the order of the root attribute names ('|'-separated)"),
    ]
    func toolchain() -> [String: String] { NativeToolchain.numerics }
    let summary = "Figure 5: block energies, cosine with one GD step, test MSE against computed baselines"
    let parameters: [ParameterSpec] = [
        ParameterSpec("figure", .fileName, default: .string("fig5"), help: "name of the theory table (FIGURE-theory.md)"),
    ]
    let inputs = [
        InputSlot("trained", help: "a 1-layer train-augmented stage"),
        InputSlot("sequences", help: "the sequences it was trained on (the test split is used)"),
    ]

    func publishedFiles(_ parameters: StageParameters) -> [String] {
        TheoryTable.publishedFiles(figure: parameters.string("figure"))
    }

    func run(_ context: StageContext) throws {
        let trained = try context.openHDF5("trained", "trained.h5")
        let source = try context.openHDF5("sequences", "sequences.h5")
        let (test, testShape) = try source.readDoubles("test/sequences")
        let set = TokenSequences(test, shape: TrainAugmentedKind.shape(testShape))
        let (train, trainShape) = try source.readDoubles("train/sequences")
        let fitting = TokenSequences(train, shape: TrainAugmentedKind.shape(trainShape))
        context.progress(0, of: 4, "baselines")
        // Step sizes are fitted on the training sequences, like the network's weights, and scored on the test ones.
        // PAPER.md §5's Monte Carlo values of the same baselines, shown beside ours.
        let paperValues = ["predict 0": "0.200", "copy s_t": "0.400", "one GD step, best shared η": "0.0876 (η = 0.0751)",
                           "one GD step, best η per position": "0.0603", "one step, normalised direction": "0.0418",
                           "2 GD steps, own step sizes": "0.0563", "3 GD steps, own step sizes": "0.0399",
                           "least squares (min-norm)": "0.0120"]
        let baselines: [(String, BaselineResult)] = [
            ("predict 0", InContextBaselines.predictZero(set)),
            ("copy s_t", InContextBaselines.copyLast(set)),
            ("one GD step, best shared η", InContextBaselines.gradientSteps(set, fittedOn: fitting, steps: 1, perPosition: false)),
            ("one GD step, best η per position", InContextBaselines.gradientSteps(set, fittedOn: fitting, steps: 1, perPosition: true)),
            ("one step, normalised direction", InContextBaselines.normalisedStep(set).result),
            ("2 GD steps, own step sizes", try InContextBaselines.gradientStepsWithOwnStepSizes(set, fittedOn: fitting, steps: 2)),
            ("3 GD steps, own step sizes", try InContextBaselines.gradientStepsWithOwnStepSizes(set, fittedOn: fitting, steps: 3)),
            ("least squares (min-norm)", try InContextBaselines.leastSquares(set)),
        ]
        context.progress(3, of: 4, "measures")
        let testLoss = try trained.doubleAttribute("final_test_loss")
        func matrix(_ name: String) throws -> Matrix {
            let (values, shape) = try trained.readDoubles(name)
            return Matrix(rows: shape[0], columns: shape[1], elements: values)
        }
        let queryKey = try matrix("layer0/WQt_WK")
        let valueOutput = try matrix("layer0/WO_WV")
        let predictions = try trained.readFloats("test_predictions").values
        var table = TheoryTable(title: "Figure 5 — augmented tokens, 1 layer: does the trained network do one step of GD?")
        table.rows.append(.report("test MSE of the trained 1-layer network", testLoss, paper: "0.0390 after 11 epochs (reference)"))
        for (name, baseline) in baselines {
            let steps = baseline.stepSizes.isEmpty ? "" : " (η = " + baseline.stepSizes.prefix(3).map { TheoryRow.format($0) }.joined(separator: ", ") + (baseline.stepSizes.count > 3 ? ", …" : "") + ")"
            table.rows.append(.report("baseline: \(name)\(steps)", baseline.meanSquaredError,
                                      note: testLoss < baseline.meanSquaredError ? "network is better" : "network is worse",
                                      paper: paperValues[name] ?? ""))
        }
        let oneStep = baselines[2].1.meanSquaredError
        let zero = baselines[0].1.meanSquaredError
        table.rows.append(.below("test MSE below the best shared one-step GD baseline", testLoss, oneStep))
        table.rows.append(.below("test MSE below predicting 0 (it learned something in context)", testLoss, zero))
        let energyQK = TheoryMeasures.blockEnergyFraction(queryKey, row: .current, column: .previous)
        let energyOV = TheoryMeasures.blockEnergyFraction(valueOutput, row: .zero, column: .current)
        table.rows.append(TheoryRow(claim: "energy of W_QᵀW_K in block (s_t, s_{t−1}) / total (theory: 1)", measured: energyQK,
                                    tolerance: "≥ 0.5", passed: energyQK >= 0.5, paper: "1 (Prop. 4)"))
        // Reported, not judged: the theory's W_O W_V block is derived without LayerNorm and the final Linear,
        // which can carry the output map out of the block without changing the prediction.
        table.rows.append(.report("energy of W_O W_V in block (zero slot, s_t) / total (theory without LayerNorm: 1)", energyOV,
                                  paper: "1 (without LayerNorm)"))
        // A good predictor of s_{t+1} is already fairly aligned with Γ_t s_t; the claim is that the network is aligned
        // more closely than the true next token itself, i.e. that it computes the one-step direction.
        let cosine = TheoryMeasures.meanCosineWithOneStep(predictions: predictions, sequences: set)
        let positions = testShape[1] - 1, d = testShape[2]
        var targets = [Double](repeating: 0, count: testShape[0] * positions * d)
        for n in 0..<testShape[0] {
            for t in 0..<positions {
                for i in 0..<d { targets[(n * positions + t) * d + i] = test[(n * testShape[1] + t + 1) * d + i] }
            }
        }
        let targetCosine = TheoryMeasures.meanCosineWithOneStep(predictions: targets, sequences: set)
        table.rows.append(.report("mean cosine between the true next token s_{t+1} and Γ_t s_t", targetCosine))
        table.rows.append(TheoryRow(claim: "mean cosine between the network's prediction and Γ_t s_t (one-step direction)",
                                    measured: cosine, tolerance: "> \(TheoryRow.format(targetCosine)) (the true next token's)",
                                    passed: cosine > targetCosine, paper: "0.88 (normalised step, t = 0 counted as 0)"))
        table.notes = [
            "Baselines are scored on the same test sequences as the network; their step sizes are fitted on the training sequences (the normalised step's scale on the test ones). PAPER.md's 2- and 3-step numbers (0.0563, 0.0399) "
                + "correspond to each step having its own step size shared across positions; a single η for all steps gives worse MSEs.",
            "PAPER.md's mean cosine 0.88 for the normalised step averages over all positions counting t = 0 as 0; ours averages t ≥ 1.",
        ]
        try table.write(context, figure: context.parameters.string("figure"))
        let file = try context.createHDF5("baselines.h5", declared: datasets)
        try file.write("mse", baselines.map(\.1.meanSquaredError), shape: [baselines.count])
        try file.setAttribute("names", baselines.map(\.0).joined(separator: "|"))
        try file.close()
        context.progress(4, of: 4)
    }
}
