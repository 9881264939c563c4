import HDF5
import NumericCore
import PathFinding
import PipelineEngine
import StageSupport

/// Stage kind `alpine-simplified` (ALPINE.md §4.3, Figures 1 and 2): a small DAG, datasets D1–D3, the Eq. 5 model
/// trained by full-batch GD on each from zero, with Theorem 3's cases checked at every step. simplified.h5 holds
/// `adjacency`, `reachability` (row = target), and per dataset `D1…D3/`: `observed_reachability`, `W_M`, `W_V`
/// [n, n], `loss` [steps], attributes `unseen_row_entries_moved`, `unobserved_not_decreasing`, `unobserved_entries`,
/// `lowest_observed`, `lines`.
struct SimplifiedKind: DeclaresDatasets {
    let name = "alpine-simplified"
    let version = 2
    let datasets = [
        ALPINEFiles.matrix("simplified.h5", "adjacency", rows: "source i", columns: "target j", "1 where the DAG has the edge i → j"),
        ALPINEFiles.matrix("simplified.h5", "reachability", rows: "target t", columns: "node k", "R_true: 1 where k reaches t"),
        ALPINEFiles.matrix("simplified.h5", "D<k>/observed_reachability", rows: "target t", columns: "node k",
                           "R_obs of dataset D_k: 1 where k appears on a line of D_k whose target is t"),
        DatasetDeclaration("simplified.h5", "D<k>/W_M", ["source i": "nodes", "target j": "nodes"], "the simplified model's W_M after GD on D_k"),
        DatasetDeclaration("simplified.h5", "D<k>/W_V", ["target t": "nodes", "node k": "nodes"], "the simplified model's W_V after GD on D_k"),
        DatasetDeclaration("simplified.h5", "D<k>/loss", ["step": "steps"], "count-normalised loss at each GD step on D_k"),
    ]
    func toolchain() -> [String: String] { NativeToolchain.numerics }
    let summary = "ALPINE §4.3 / Fig. 1–2: the simplified model W^M, W^V trained by GD on datasets D1–D3, Theorem 3 checked"
    let parameters: [ParameterSpec] = [
        ParameterSpec("nodes", .integer, default: .integer(10), help: "nodes of the toy graph", minimum: 3),
        ParameterSpec("edge_probability", .number, default: .number(0.35), help: "edge probability of the toy graph",
                      minimum: 0),
        ParameterSpec("longer_fraction", .number, default: .number(0.2), help: "D2: share of the longer paths added to D1",
                      minimum: 0),
        ParameterSpec("learning_rate", .number, default: .number(0.5), help: "GD step on the count-normalised loss",
                      minimum: 0),
        ParameterSpec("steps", .integer, default: .integer(3000), help: "GD steps per dataset", minimum: 1),
        ParameterSpec("seed", .integer, help: "seed of the graph (stream 0) and of D2's choice (stream 1)"),
    ]

    func run(_ context: StageContext) throws {
        let p = context.parameters
        let n = p.integer("nodes"), steps = p.integer("steps")
        guard n <= 16 else { throw PipelineError("nodes: at most 16 (D3 holds every path, exponential in n), got \(n)") }
        guard steps <= 1_000_000 else { throw PipelineError("steps: at most 1000000, got \(steps)") }
        var graphDraws = SeededGenerator.stream(seed: p.seed(), index: 0)
        let graph = RandomDAG(nodeCount: n, edgeProbability: p.number("edge_probability"), generator: &graphDraws)
        var choice = SeededGenerator.stream(seed: p.seed(), index: 1)
        let datasets = SimplifiedDatasets.datasets(graph, fraction: p.number("longer_fraction"), generator: &choice)
        let file = try context.createHDF5("simplified.h5", declared: self.datasets)
        try ALPINEFiles.write(file, "adjacency", matrix: graph.adjacency, size: n)
        try ALPINEFiles.write(file, "reachability", matrix: (0..<(n * n)).map { graph.reaches($0 % n, $0 / n) }, size: n)
        for (index, lines) in datasets.enumerated() {
            let group = "D\(index + 1)"
            var model = SimplifiedModel(nodeCount: n, lines: lines)
            let checks = model.train(learningRate: p.number("learning_rate"), steps: steps)
            context.progress(index + 1, of: 3, group)
            let observed = ObservedStructure(nodeCount: n, lines: lines)
            try ALPINEFiles.write(file, "\(group)/observed_reachability", matrix: observed.reachability, size: n)
            try file.write("\(group)/W_M", model.adjacencyWeights, shape: [n, n])
            try file.write("\(group)/W_V", model.reachabilityWeights, shape: [n, n])
            try file.write("\(group)/loss", checks.losses, shape: [steps])
            try file.setAttribute("unseen_row_entries_moved", checks.unseenRowEntriesMoved, on: group)
            try file.setAttribute("unobserved_not_decreasing", checks.unobservedEntriesNotDecreasing, on: group)
            try file.setAttribute("unobserved_entries", checks.unobservedEntries, on: group)
            try file.setAttribute("lowest_observed", checks.lowestObservedValue, on: group)
            try file.setAttribute("lines", lines.count, on: group)
        }
        try file.close()
    }
}
