import ClosedFormModels
import HDF5
import NumericCore
import PipelineEngine
import StageSupport

/// Stage kind `extract-closed-form-weights` (Figure 3): the learned A, B, C = BᵀA and P, with what the theory
/// reads off them: the scale c = tr(C)/d, C/c, the head product A·Bᵀ, the singular values of C, and P with only
/// its active entries (t' ≤ t+1 of rows 0 … T−2; the rest NaN, as the figure masks them).
struct ExtractClosedFormWeightsKind: DeclaresDatasets {
    let name = "extract-closed-form-weights"
    let version = 3
    let datasets = TrainClosedFormKind.parameterDatasets("weights.h5") + [
        DatasetDeclaration("weights.h5", "C", ["row": "dimension", "column": "dimension"], "C = BᵀA, through which the heads act"),
        DatasetDeclaration("weights.h5", "C_over_c", ["row": "dimension", "column": "dimension"], "C / c with c = tr(C)/d (root attribute c)"),
        DatasetDeclaration("weights.h5", "A_Bt", ["head": "heads", "head'": "heads"], "A Bᵀ, the head-by-head product"),
        DatasetDeclaration("weights.h5", "P_active", ["query position t": "context_length", "key position": "context_length"],
                           "P with the entries the model never uses (key > t+1, and the last row) set to NaN"),
        DatasetDeclaration("weights.h5", "singular_values_C", ["index": "dimension"], "singular values of C, largest first"),
    ]
    func toolchain() -> [String: String] { NativeToolchain.numerics }
    let summary = "Figure 3: A, B, C = BᵀA, masked P, c, C/c, A·Bᵀ and singular values of C into weights.h5"
    let parameters: [ParameterSpec] = []
    let inputs = [InputSlot("trained", help: "a train-closed-form stage")]

    func run(_ context: StageContext) throws {
        let trained = try context.openHDF5("trained", "trained.h5")
        let parameters = try TrainClosedFormKind.read(trained)
        let product = parameters.product
        let scale = product.trace / Double(product.rows)
        let heads = parameters.a.multiplied(by: parameters.b, transposeOther: true)
        var masked = parameters.positionalWeights
        for t in 0..<masked.rows {
            for key in 0..<masked.columns where !(t < masked.rows - 1 && key <= t + 1) { masked[t, key] = .nan }
        }
        let file = try context.createHDF5("weights.h5", declared: datasets)
        try file.setAttribute("heads", parameters.a.rows)
        try file.setAttribute("dimension", parameters.a.columns)
        try file.setAttribute("context_length", parameters.positionalWeights.rows)
        try TrainClosedFormKind.write(parameters, to: file)
        let scaled = (1 / scale) * product
        for (name, matrix) in [("C", product), ("C_over_c", scaled), ("A_Bt", heads), ("P_active", masked)] {
            try file.write(name, matrix.elements, shape: [matrix.rows, matrix.columns], nonFinite: name == "P_active" ? .nanMeansMasked : .refused)
        }
        let singular = try LinearAlgebra.singularValues(of: product)
        try file.write("singular_values_C", singular, shape: [singular.count])
        try file.setAttribute("c", scale)
        try file.setAttribute("case", try JSONParser.parse(try trained.stringAttribute("icar_parameters"))["case"]
            .flatMap { if case let .string(s) = $0 { return s } else { return nil } } ?? "unknown")
        try file.close()
    }
}
