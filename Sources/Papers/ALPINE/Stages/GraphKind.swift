import HDF5
import NumericCore
import PathFinding
import PipelineEngine
import StageSupport

/// Stage kind `alpine-graph` (ALPINE.md §1.1–1.2): a random DAG, its reachability and the train/test split of its
/// reachable pairs, into graph.h5: `adjacency` [n, n] (i → j), `reachability` [n, n] (row = target t, column = k,
/// 1 when k reaches t, diagonal included: the paper's R_true), `train_pairs`, `test_pairs` [count, 2] (source, target).
struct GraphKind: DeclaresDatasets {
    let name = "alpine-graph"
    let version = 2
    let datasets = [
        ALPINEFiles.matrix("graph.h5", "adjacency", rows: "source i", columns: "target j", "1 where the DAG has the edge i → j"),
        ALPINEFiles.matrix("graph.h5", "reachability", rows: "target t", columns: "node k",
                           "R_true: 1 where k reaches t (diagonal included)"),
        ALPINEFiles.pairs("graph.h5", "train_pairs", "the reachable (source, target) pairs whose paths train"),
        ALPINEFiles.pairs("graph.h5", "test_pairs", "the reachable (source, target) pairs held out for testing"),
    ]
    func toolchain() -> [String: String] { NativeToolchain.storage }
    let summary = "ALPINE §1: random DAG (n nodes, edge probability p), true reachability, train/test split of pairs"
    let parameters: [ParameterSpec] = [
        ParameterSpec("nodes", .integer, help: "n, the number of nodes (vocabulary n + 2)", minimum: 3),
        ParameterSpec("edge_probability", .number, default: .number(0.1), help: "p: each i → j with i < j is kept with it",
                      minimum: 0),
        ParameterSpec("train_probability", .number, default: .number(0.5),
                      help: "chance that a reachable pair that is neither an edge nor its target's first source trains",
                      minimum: 0),
        ParameterSpec("seed", .integer, help: "seed of the graph (stream 0) and of the split (stream 1)"),
    ]

    func run(_ context: StageContext) throws {
        let p = context.parameters
        let n = p.integer("nodes")
        guard n <= 2000 else { throw PipelineError("nodes: at most 2000 (paths and R_obs are n × n), got \(n)") }
        guard p.number("edge_probability") <= 1, p.number("train_probability") <= 1 else {
            throw PipelineError("edge_probability and train_probability are probabilities: at most 1")
        }
        var graphDraws = SeededGenerator.stream(seed: p.seed(), index: 0)
        let graph = RandomDAG(nodeCount: n, edgeProbability: p.number("edge_probability"), generator: &graphDraws)
        var splitDraws = SeededGenerator.stream(seed: p.seed(), index: 1)
        let split = PairSplit(graph, trainProbability: p.number("train_probability"), generator: &splitDraws)
        let file = try context.createHDF5("graph.h5", declared: datasets)
        try ALPINEFiles.write(file, graph: graph, split: split)
        try file.setAttribute("edge_probability", p.number("edge_probability"))
        try file.close()
        context.log("\(graph.edgeCount) edges, \(split.train.count) train and \(split.test.count) test pairs")
    }
}

/// Stage kind `alpine-paths` (§1.3–1.4, §4.1): the token lines and what they show, into paths.h5: `train_tokens` /
/// `train_offsets` and `test_…` (lines "s t s … t \n", node i = token i + 2), `observed_adjacency` [n, n],
/// `observed_reachability` [n, n] (row = target), `test_degree` [test pairs] (0, 1, 2, 3 = 3+); attribute
/// `longest_line` (tokens, "\n" included).
struct PathsKind: DeclaresDatasets {
    let name = "alpine-paths"
    let version = 3
    let datasets = ALPINEFiles.pathsDatasets(train: "the training lines \"s t s u₁ … t \\n\" (random paths per train pair, plus \"s t s t\" for each edge pair)")
    func toolchain() -> [String: String] { NativeToolchain.storage }
    let summary = "ALPINE §1.3–4.1: random paths per pair as token lines, observed adjacency and reachability, degree classes"
    let parameters: [ParameterSpec] = [
        ParameterSpec("paths_per_pair", .integer, default: .integer(20), help: "m: random paths per train pair", minimum: 1),
        ParameterSpec("seed", .integer, help: "seed of the random walks"),
    ]
    let inputs = [InputSlot("graph", help: "an alpine-graph stage")]

    func run(_ context: StageContext) throws {
        let source = try context.openHDF5("graph", "graph.h5")
        let graph = try ALPINEFiles.readGraph(source)
        let split = PairSplit(train: try ALPINEFiles.readPairs(source, "train_pairs"),
                              test: try ALPINEFiles.readPairs(source, "test_pairs"))
        let m = context.parameters.integer("paths_per_pair")
        guard m <= 1000 else { throw PipelineError("paths_per_pair: at most 1000, got \(m)") }
        var generator = SeededGenerator(seed: context.parameters.seed())
        let lines = PathLines.generate(graph, split, pathsPerPair: m, generator: &generator)
        let file = try context.createHDF5("paths.h5", declared: datasets)
        try ALPINEFiles.write(file, paths: lines, graph: graph, split: split)
        try file.setAttribute("paths_per_pair", m)
        try file.setAttribute("nodes", graph.nodeCount)
        try file.close()
        context.log("\(lines.train.count) train lines, \(lines.test.count) test lines")
    }
}
