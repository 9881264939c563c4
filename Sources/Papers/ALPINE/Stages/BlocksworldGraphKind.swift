import HDF5
import NumericCore
import PathFinding
import PipelineEngine
import StageSupport

/// Stage kind `alpine-blocksworld-graph` (ALPINE App. F, Figures 11–12): the 73-state Blocksworld graph of four
/// blocks (node order in `Blocksworld`) and a seeded random split of its ordered pairs (s ≠ t), into graph.h5 in
/// alpine-graph's layout — `adjacency`, `reachability` (row = target), `train_pairs`, `test_pairs` — plus
/// `support` [nodes, blocks]: what each block sits on in each state (block 0–3 red, blue, orange, yellow; 4 = table).
struct BlocksworldGraphKind: DeclaresDatasets {
    let name = "alpine-blocksworld-graph"
    let version = 1
    let datasets = [
        ALPINEFiles.matrix("graph.h5", "adjacency", rows: "state i", columns: "state j",
                           "1 where one legal move (a clear block onto the table or onto another clear block) turns state i into j"),
        ALPINEFiles.matrix("graph.h5", "reachability", rows: "target t", columns: "state k",
                           "R_true: 1 where k reaches t (diagonal included; all 1, the graph is strongly connected)"),
        ALPINEFiles.pairs("graph.h5", "train_pairs", "the ordered (source, target) pairs, s ≠ t, whose paths train"),
        ALPINEFiles.pairs("graph.h5", "test_pairs", "the ordered (source, target) pairs held out for testing"),
        DatasetDeclaration("graph.h5", "support", ["state": "nodes", "block (red, blue, orange, yellow)": "4"],
                           "what the block sits on in the state: another block 0–3, or 4 for the table"),
    ]
    func toolchain() -> [String: String] { NativeToolchain.storage }
    let summary = "ALPINE App. F: the 73-state Blocksworld graph (4 blocks) and a random train/test split of its ordered pairs"
    let parameters: [ParameterSpec] = [
        ParameterSpec("train_share", .number, default: .number(0.8), help: "share of the ordered pairs (s ≠ t) that trains",
                      minimum: 0),
        ParameterSpec("seed", .integer, help: "seed of the split"),
    ]

    func run(_ context: StageContext) throws {
        let share = context.parameters.number("train_share")
        guard share > 0, share < 1 else { throw PipelineError("train_share: strictly between 0 and 1, got \(share)") }
        let world = Blocksworld()
        var draws = SeededGenerator(seed: context.parameters.seed())
        let split = PairSplit(orderedPairsOf: world.graph, trainShare: share, generator: &draws)
        guard !split.train.isEmpty, !split.test.isEmpty else { throw PipelineError("train_share \(share) leaves a side empty") }
        let file = try context.createHDF5("graph.h5", declared: datasets)
        try ALPINEFiles.write(file, graph: world.graph, split: split)
        let support = world.states.flatMap { $0.support.map(Int64.init) }
        try file.write("support", support, shape: [world.states.count, Blocksworld.blockCount])
        try file.setAttribute("train_share", share)
        try file.close()
        context.log("\(world.states.count) states, \(world.graph.edgeCount) directed edges, \(split.train.count) train and \(split.test.count) test pairs")
    }
}
