import ClosedFormModels
import Foundation
import HDF5
import NumericCore
import PipelineEngine
import StageSupport

/// Stage kind `verify-closed-form` (Figure 3): each claim of PAPER.md §2 (unitary) or §3 (rotations) as a row of
/// the theory table. A run that did not converge fails its rows, and the failure is printed on the terminal.
struct VerifyClosedFormKind: DeclaresDatasets {
    let name = "verify-closed-form"
    let version = 5
    let datasets = TheoryTable.datasets
    func toolchain() -> [String: String] { NativeToolchain.numerics }
    let summary = "Figure 3: theory rows (C = c·I or c·blockdiag(J), c·p_{t,t+1} = 1, ratio −1/2, loss ≈ 0)"
    let parameters: [ParameterSpec] = [
        ParameterSpec("figure", .fileName, help: "name of the theory table (FIGURE-theory.md)"),
        ParameterSpec("loss_tolerance", .number, default: .number(1e-6), help: "final loss counted as zero", minimum: 0),
        ParameterSpec("structure_tolerance", .number, default: .number(1e-3),
                      help: "deviation from the predicted structure counted as zero", minimum: 0),
    ]
    let inputs = [
        InputSlot("trained", help: "a train-closed-form stage (for the loss)"),
        InputSlot("weights", help: "its extract-closed-form-weights stage"),
    ]

    func publishedFiles(_ parameters: StageParameters) -> [String] {
        TheoryTable.publishedFiles(figure: parameters.string("figure"))
    }

    func run(_ context: StageContext) throws {
        let p = context.parameters
        let trained = try context.openHDF5("trained", "trained.h5")
        let weights = try context.openHDF5("weights", "weights.h5")
        let parameters = try TrainClosedFormKind.read(weights)
        let finalLoss = try trained.doubleAttribute("final_loss")
        let initialLoss = try trained.doubleAttribute("initial_loss")
        let trainingParameters = try JSONParser.parse(try trained.stringAttribute("icar_parameters"))
        let isUnitary = trainingParameters["case"] == .string("unitary")
        let tolerance = p.number("structure_tolerance")
        let lossTolerance = p.number("loss_tolerance")
        let d = parameters.dimension, length = parameters.contextLength
        var table: TheoryTable
        if isUnitary {
            let m = UnitaryTheoryMeasurements(parameters)
            table = TheoryTable(title: "Figure 3 (left) — unitary W, d = H = \(d), T = \(length): heads orthogonal, one-step structure")
            table.rows = [
                .report("loss at initialisation (≈ (T−1)·d for small init)", initialLoss, paper: "≈ 190"),
                .below("final population loss ≈ 0", finalLoss, lossTolerance, paper: "0 (minimum, ~1e-13 in Float64)"),
                .report("scale c = tr(C)/d (|c| ≈ 1.2 for this init, sign random)", m.scale, paper: "|c| ≈ 1.20"),
                .below("‖C/c − I‖_F: C = BᵀA is a multiple of the identity", m.productDeviation, tolerance, paper: "0"),
                .below("‖A·Bᵀ/c − I_H‖_F: the heads are orthogonal", m.headDeviation, tolerance, paper: "0"),
                .below("max_t |c·p_{t,t+1} − 1|: the newest token gets weight 1/c", m.superDiagonalDeviation, tolerance, paper: "0"),
                .below("max |p_{t,t'}|, t' ≤ t: every other active positional weight is 0", m.largestInactiveWeight, tolerance, paper: "0"),
            ]
            // The reference script's loss adds p_q²‖C‖_F² per row; evaluated at the same parameters, the difference.
            let exact = UnitaryPopulationLoss(dimension: d, contextLength: length, variant: .exact).loss(parameters)
            let reference = UnitaryPopulationLoss(dimension: d, contextLength: length, variant: .reference).loss(parameters)
            table.rows.append(.report("reference script's loss at the final parameters (adds Σ_t p_q²‖C‖_F²)", reference))
            table.rows.append(.report("reference − exact loss at the final parameters", reference - exact,
                                      note: "0 at the minimiser C = c·I, p_{t,t} = 0: both losses share it"))
            if trainingParameters["variant"] == .string("reference") {
                table.notes.append("Trained on the reference script's loss (it adds p_q²‖C‖_F² per row, counting t' = q twice); the minimiser is the same.")
            }
        } else {
            let m = try RotationTheoryMeasurements(parameters)
            table = TheoryTable(title: "Figure 3 (right) — commuting rotations, d = \(d), H = \(parameters.heads), T = \(length): Chebyshev relation")
            // Singular values below structure_tolerance·σ₁ count as zero, like every other structure row: the trailing
            // ones shrink far more slowly than the loss (σ₆/σ₁ ≈ 2e-6 at loss 1e-10).
            let rank = m.singularValues.filter { $0 > tolerance * (m.singularValues.first ?? 1) }.count
            table.rows = [
                .report("loss at initialisation", initialLoss),
                .below("final population loss ≈ 0", finalLoss, lossTolerance, paper: "0"),
                .report("scale c = tr(C)/d (reference run: −1.2895)", m.scale, paper: "−1.2895 (reference run)"),
                .near("partner entries C_{i,π(i)} / c = 1 (blocks [[1,1],[1,1]])", m.partnerScale / m.scale, target: 1, within: tolerance),
                .below("‖C/c − blockdiag(J)‖_F", m.productDeviation, tolerance, paper: "0"),
                .below("energy of C outside the 2×2 blocks / total", m.offBlockEnergyFraction, tolerance, paper: "0"),
                .near("rank of C (d/2 when H < d)", Double(rank), target: Double(d / 2), within: 0),
                .near("largest singular value of C / (2|c|)", (m.singularValues.first ?? .nan) / (2 * abs(m.scale)), target: 1, within: tolerance),
                .below("max_t |c·p_{t,t+1} − 1|", m.superDiagonalDeviation, tolerance, paper: "0"),
                .near("mean ratio p_{t,t} / p_{t,t+1} (Chebyshev: s_{T+1} = 2cos θ s_T − s_{T−1})", m.meanDiagonalRatio, target: -0.5, within: tolerance, paper: "−1/2 (reference run: −0.49988)"),
                .below("max_t |p_{t,t}/p_{t,t+1} + 1/2|", m.ratioDeviation, tolerance, paper: "0"),
                .below("max |p_{t,t'}|, t' < t: older tokens get weight 0", m.largestInactiveWeight, tolerance, paper: "0"),
            ]
            table.notes.append("From some random initialisations GD at lr 1e-3 does not converge: it oscillates at loss ≈ 1.6–1.8 with partner entries of the wrong sign (about half of seeds 0–19; seed 1 is one, and a test checks that it fails these rows). Such a run fails the rows above; it is not hidden.")
        }
        // Converged runs end between 1e-14 and ~1e-5 (slow ones); stuck ones oscillate near 1.6: 1e-3 separates them.
        if !hasConverged(finalLoss: finalLoss) {
            table.notes.insert("**This run did not converge** (final loss \(TheoryRow.format(finalLoss))): the structure rows describe where GD stopped, not the minimiser.", at: 0)
        }
        try table.write(context, figure: p.string("figure"))
    }
}
