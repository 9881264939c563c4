import HDF5
import NumericCore
import PathFinding
import PathFindingTransformer
import PipelineEngine
import StageSupport

/// Stage kind `alpine-weights` (ALPINE.md §4.4, Figures 4–6, Table 1): W_M′ and W_V′ of a 1-layer model at every
/// checkpoint, the mean attention over teacher-forced test lines, and Table 1's additivity cosine. weights.h5:
/// `checkpoint_steps`, `W_M` and `W_V` [checkpoints, n, n] (node rows and columns; W_V row = target) in the literal
/// §4.4 reading, `W_M_LN` and `W_V_LN` with the model's LayerNorms applied (WeightReadout.Reading),
/// `attention` [block, block] (0 where no line reaches the row), `attention_rows` [block], attributes `cosine` and `cosine_LN`.
struct WeightsKind: DeclaresDatasets {
    let name = "alpine-weights"
    let version = 7
    let datasets = [
        DatasetDeclaration("weights.h5", "checkpoint_steps", ["checkpoint": "checkpoints"], "training step of each checkpoint"),
        DatasetDeclaration("weights.h5", "W_M", ["checkpoint": "checkpoints", "source i": "nodes", "target j": "nodes"],
                           "W_M′ (ALPINE §4.4) at each checkpoint: row i = (FFN(e_i) + e_i) W_o on node tokens, W_o = wteᵀ (the adjacency the model stores)"),
        DatasetDeclaration("weights.h5", "W_V", ["checkpoint": "checkpoints", "target t": "nodes", "node k": "nodes"],
                           "W_V′ (ALPINE §4.4) at each checkpoint: row t = (V(e_t) + FFN(V(e_t))) W_o on node tokens (the reachability the model stores)"),
        DatasetDeclaration("weights.h5", "W_M_LN", ["checkpoint": "checkpoints", "source i": "nodes", "target j": "nodes"],
                           "W_M′ with the model's LayerNorms at each checkpoint: row i = LN_f(e_i + FFN(LN_2 e_i)) W_o on node tokens"),
        DatasetDeclaration("weights.h5", "W_V_LN", ["checkpoint": "checkpoints", "target t": "nodes", "node k": "nodes"],
                           "W_V′ with the model's LayerNorms at each checkpoint: row t = LN_f(v_t + FFN(LN_2 v_t)) W_o, v_t = V(LN_1 e_t)"),
        DatasetDeclaration("weights.h5", "attention", ["query position": "block", "key position": "block"],
                           "the final model's attention weights averaged over teacher-forced test lines (0 where no line reaches the row)"),
        DatasetDeclaration("weights.h5", "attention_rows", ["query position": "block"], "how many test lines reach each query position"),
    ]
    func toolchain() -> [String: String] { NativeToolchain.numerics }
    let summary = "ALPINE §4.4: W_M′, W_V′ at every checkpoint, mean attention on test lines, Table 1 cosine"
    let parameters: [ParameterSpec] = []
    let inputs = [
        InputSlot("paths", help: "the alpine-paths stage (test lines)"),
        InputSlot("trained", help: "a 1-layer alpine-train stage on those paths"),
    ]

    func run(_ context: StageContext) throws {
        let trained = try context.openHDF5("trained", "trained.h5")
        guard try trained.intAttribute("layers") == 1 else {
            throw PipelineError("the §4.4 readouts are defined for a 1-layer model; this one has \(try trained.intAttribute("layers"))")
        }
        let n = try trained.intAttribute("nodes"), block = try trained.intAttribute("block")
        let steps = try trained.readInts("checkpoint_steps").values
        var readouts: [WeightReadout.Reading: (adjacency: [Float], reachability: [Float])] = [:]
        for step in steps {
            let readout = WeightReadout(model: try ALPINEFiles.readModel(trained, "checkpoints/\(step)", capacity: 1),
                                        nodeCount: n)
            for reading in WeightReadout.Reading.allCases {
                readouts[reading, default: ([], [])].adjacency += readout.adjacencyReadout(reading)
                readouts[reading, default: ([], [])].reachability += readout.reachabilityReadout(reading)
            }
        }
        let final = try ALPINEFiles.readModel(trained, "final", capacity: 1024 * block)
        let testLines = try ALPINEFiles.readLines(try context.openHDF5("paths", "paths.h5"), "test")
        // Teacher forcing on the whole line but its "\n" (whose prediction would follow the line).
        let map = AttentionMap(model: final, sequences: testLines.map { Array($0.dropLast()) })
        let finalReadout = WeightReadout(model: final, nodeCount: n)
        let file = try context.createHDF5("weights.h5", declared: datasets)
        try file.write("checkpoint_steps", steps, shape: [steps.count])
        for (reading, suffix) in [(WeightReadout.Reading.literal, ""), (.layerNormApplied, "_LN")] {
            try file.write("W_M" + suffix, readouts[reading]!.adjacency, shape: [steps.count, n, n])
            try file.write("W_V" + suffix, readouts[reading]!.reachability, shape: [steps.count, n, n])
            try file.setAttribute("cosine" + suffix, finalReadout.additivityCosine(reading))
        }
        // Rows no test line reaches have no mean; they are stored as 0 (attention_rows says which).
        try file.write("attention", map.mean.map { $0.isNaN ? 0 : $0 }, shape: [block, block])
        try file.write("attention_rows", map.rowCounts.map(Int64.init), shape: [block])
        try file.setAttribute("target_attention", map.meanWeight(onKey: 1, rows: 2..<block))
        try file.close()
    }
}
