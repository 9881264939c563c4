import HDF5
import NumericCore
import PathFinding
import PipelineEngine
import StageSupport

/// Stage kind `alpine-blocksworld-paths` (ALPINE App. F): a fixed number of training lines spread evenly over the
/// train pairs, cycle-free random walks that restart when stuck (the authors' non-DAG branch), one line per test
/// pair; paths.h5 in alpine-paths' layout (so alpine-train and alpine-evaluate read it unchanged), attribute
/// `train_lines`.
struct BlocksworldPathsKind: DeclaresDatasets {
    let name = "alpine-blocksworld-paths"
    let version = 1
    let datasets = ALPINEFiles.pathsDatasets(train: "the training lines \"s t s u₁ … t \\n\": cycle-free random paths, ⌊lines / pairs⌋ or one more per train pair")
    func toolchain() -> [String: String] { NativeToolchain.storage }
    let summary = "ALPINE App. F: cycle-free random paths on the Blocksworld graph, a fixed number of lines spread over the train pairs"
    let parameters: [ParameterSpec] = [
        ParameterSpec("train_lines", .integer, default: .integer(50_000), help: "training lines in all (the paper: 50,000)",
                      minimum: 1),
        ParameterSpec("seed", .integer, help: "seed of the spread and of the random walks"),
    ]
    let inputs = [InputSlot("graph", help: "an alpine-blocksworld-graph stage")]

    func run(_ context: StageContext) throws {
        let source = try context.openHDF5("graph", "graph.h5")
        let graph = try ALPINEFiles.readDirectedGraph(source)
        let split = PairSplit(train: try ALPINEFiles.readPairs(source, "train_pairs"),
                              test: try ALPINEFiles.readPairs(source, "test_pairs"))
        let count = context.parameters.integer("train_lines")
        guard count <= 5_000_000 else { throw PipelineError("train_lines: at most 5,000,000, got \(count)") }
        guard split.train.allSatisfy({ graph.reaches($0.source, $0.target) && $0.source != $0.target }),
              split.test.allSatisfy({ graph.reaches($0.source, $0.target) && $0.source != $0.target })
        else { throw PipelineError("graph.h5 has a pair whose target its source does not reach") }
        var generator = SeededGenerator(seed: context.parameters.seed())
        let lines = PathLines.generate(graph, split, trainLines: count, generator: &generator)
        let file = try context.createHDF5("paths.h5", declared: datasets)
        try ALPINEFiles.write(file, paths: lines, graph: graph, split: split)
        try file.setAttribute("train_lines", count)
        try file.setAttribute("nodes", graph.nodeCount)
        try file.close()
        context.log("\(lines.train.count) train lines, \(lines.test.count) test lines, longest \((lines.train + lines.test).map(\.count).max() ?? 0) tokens")
    }
}
