import HDF5
import Layers
import NumericCore
import PathFinding
import PathFindingTransformer
import PipelineEngine
import StageSupport

/// How ALPINE's stages store what they pass on: boolean matrices as 0/1 int64, token lines as one flat int64 array
/// plus the start of each line (`NAME_tokens`, `NAME_offsets`, with a final offset = total), models by parameter name.
enum ALPINEFiles {
    static func write(_ file: HDF5Output, _ name: String, matrix: [Bool], size n: Int) throws {
        try file.write(name, matrix.map { $0 ? Int64(1) : Int64(0) }, shape: [n, n])
    }

    /// The declaration of an n × n 0/1 matrix written by `write(_:_:matrix:size:)`.
    static func matrix(_ file: String, _ name: String, rows: String, columns: String, _ description: String) -> DatasetDeclaration {
        DatasetDeclaration(file, name, [rows: "nodes", columns: "nodes"], description + " (0/1)")
    }

    /// The two datasets written by `write(_:_:lines:)`.
    static func lines(_ file: String, _ name: String, _ description: String) -> [DatasetDeclaration] {
        [DatasetDeclaration(file, "\(name)_tokens", ["token": "\(name)_token_count"],
                            "\(description): every line's tokens, concatenated (node i = token i + 2, 1 = newline)"),
         DatasetDeclaration(file, "\(name)_offsets", ["line boundary": "\(name)_lines_plus_1"],
                            "start of each line of \(name)_tokens, then the total token count (line k = tokens[offsets[k] ..< offsets[k+1]])")]
    }

    /// The declaration of a pair list written by `write(_:_:pairs:)`.
    static func pairs(_ file: String, _ name: String, _ description: String) -> DatasetDeclaration {
        DatasetDeclaration(file, name, ["pair": "\(name)_count", "source, target": "2"], description)
    }

    /// The parameters of a GPT written by `write(_:_:model:)` under `group` (nn.Linear weights [out, in]; the
    /// output head is tied to wte).
    static func model(_ file: String, _ group: String, _ description: String) -> [DatasetDeclaration] {
        func tensor(_ name: String, _ axes: KeyValuePairs<String, String>, _ what: String) -> DatasetDeclaration {
            DatasetDeclaration(file, "\(group)/\(name)", axes, "\(description): \(what)")
        }
        return [
            tensor("wte.weight", ["token": "vocabulary", "feature": "width"], "token embedding (also the output head)"),
            tensor("wpe.weight", ["position": "block", "feature": "width"], "learned position embedding"),
            tensor("h.<layer>.ln_1.weight", ["feature": "width"], "block's first LayerNorm scale"),
            tensor("h.<layer>.attn.c_attn.weight", ["out (query, key, value)": "3*width", "in": "width"], "attention's query, key and value projections stacked"),
            tensor("h.<layer>.attn.c_proj.weight", ["out": "width", "in": "width"], "attention output projection"),
            tensor("h.<layer>.ln_2.weight", ["feature": "width"], "block's second LayerNorm scale"),
            tensor("h.<layer>.mlp.c_fc.weight", ["out": "4*width", "in": "width"], "MLP expansion"),
            tensor("h.<layer>.mlp.c_proj.weight", ["out": "width", "in": "4*width"], "MLP contraction"),
            tensor("ln_f.weight", ["feature": "width"], "final LayerNorm scale"),
        ]
    }

    static func readMatrix(_ file: HDF5File, _ name: String) throws -> (values: [Bool], size: Int) {
        let (values, shape) = try file.readInts(name)
        guard shape.count == 2, shape[0] == shape[1] else { throw PipelineError("\(name) is not a square matrix") }
        return (values.map { $0 != 0 }, shape[0])
    }

    static func write(_ file: HDF5Output, _ name: String, lines: [[Int32]]) throws {
        var offsets: [Int64] = [0]
        for line in lines { offsets.append(offsets.last! + Int64(line.count)) }
        try file.write("\(name)_tokens", lines.flatMap { $0.map(Int64.init) }, shape: [Int(offsets.last!)])
        try file.write("\(name)_offsets", offsets, shape: [offsets.count])
    }

    static func readLines(_ file: HDF5File, _ name: String) throws -> [[Int32]] {
        let tokens = try file.readInts("\(name)_tokens").values.map { Int32($0) }
        let offsets = try file.readInts("\(name)_offsets").values.map { Int($0) }
        guard offsets.first == 0, offsets.last == tokens.count, zip(offsets, offsets.dropFirst()).allSatisfy({ $0 < $1 })
        else { throw PipelineError("\(name): offsets do not partition the tokens") }
        return zip(offsets, offsets.dropFirst()).map { Array(tokens[$0..<$1]) }
    }

    static func readGraph(_ file: HDF5File) throws -> RandomDAG {
        let (adjacency, n) = try readMatrix(file, "adjacency")
        return RandomDAG(nodeCount: n, adjacency: adjacency)
    }

    /// The graph of a graph.h5 that need not be a DAG of the §1.1 order (Blocksworld), reachability searched anew.
    static func readDirectedGraph(_ file: HDF5File) throws -> DirectedGraph {
        let (adjacency, n) = try readMatrix(file, "adjacency")
        return DirectedGraph(nodeCount: n, adjacency: adjacency)
    }

    /// graph.h5's common part, whatever made the graph: `adjacency`, `reachability` (row = target t, column = k),
    /// `train_pairs`, `test_pairs`, attributes `nodes` and `edges`.
    static func write(_ file: HDF5Output, graph: some PathGraph, split: PairSplit) throws {
        let n = graph.nodeCount
        try write(file, "adjacency", matrix: graph.adjacency, size: n)
        let reachability = (0..<(n * n)).map { graph.reaches($0 % n, $0 / n) }
        try write(file, "reachability", matrix: reachability, size: n)
        try write(file, "train_pairs", pairs: split.train)
        try write(file, "test_pairs", pairs: split.test)
        try file.setAttribute("nodes", n)
        try file.setAttribute("edges", graph.edgeCount)
    }

    /// paths.h5's common part (what alpine-train and alpine-evaluate read), whatever spread the lines: the lines,
    /// `observed_adjacency`, `observed_reachability`, `test_degree` and attribute `longest_line`.
    static func write(_ file: HDF5Output, paths lines: (train: [[Int32]], test: [[Int32]]), graph: some PathGraph,
                      split: PairSplit) throws {
        let n = graph.nodeCount
        let observed = ObservedStructure(nodeCount: n, lines: lines.train)
        let degrees = split.test.map { observed.degreeClass(source: $0.source, target: $0.target, graph: graph) }
        try write(file, "train", lines: lines.train)
        try write(file, "test", lines: lines.test)
        try write(file, "observed_adjacency", matrix: observed.adjacency, size: n)
        try write(file, "observed_reachability", matrix: observed.reachability, size: n)
        try file.write("test_degree", degrees.map(Int64.init), shape: [degrees.count])
        try file.setAttribute("longest_line", (lines.train + lines.test).map(\.count).max() ?? 0)
    }

    /// The declarations of what `write(_:paths:graph:split:)` writes; `train` describes the training lines.
    static func pathsDatasets(train: String) -> [DatasetDeclaration] {
        lines("paths.h5", "train", train)
            + lines("paths.h5", "test", "one random path per test pair, as a line \"s t s u₁ … t \\n\"")
            + [matrix("paths.h5", "observed_adjacency", rows: "source i", columns: "target j",
                      "A_obs: 1 where the edge i → j appears in a training line"),
               matrix("paths.h5", "observed_reachability", rows: "target t", columns: "node k",
                      "R_obs: 1 where k appears on a training line whose target is t"),
               DatasetDeclaration("paths.h5", "test_degree", ["test pair": "test_pairs_count"],
                                  "degree class of each test pair: 0, 1, 2, or 3 for 3 or more (ALPINE §4.1)")]
    }

    static func readPairs(_ file: HDF5File, _ name: String) throws -> [PairSplit.Pair] {
        let values = try file.readInts(name).values.map(Int.init)
        return stride(from: 0, to: values.count, by: 2).map { PairSplit.Pair(source: values[$0], target: values[$0 + 1]) }
    }

    static func write(_ file: HDF5Output, _ name: String, pairs: [PairSplit.Pair]) throws {
        try file.write(name, pairs.flatMap { [Int64($0.source), Int64($0.target)] }, shape: [pairs.count, 2])
    }

    /// Parameters of `model` under `group/NAME`, in their shapes.
    static func write(_ file: HDF5Output, _ group: String, model: GPT<Float>) throws {
        for parameter in model.parameters.parameters {
            try file.write("\(group)/\(parameter.name)", parameter.value.values, shape: parameter.shape)
        }
    }

    static func configuration(_ file: HDF5File) throws -> GPTConfiguration {
        GPTConfiguration(vocabulary: try file.intAttribute("vocabulary"), block: try file.intAttribute("block"),
                         width: try file.intAttribute("width"), layers: try file.intAttribute("layers"),
                         heads: try file.intAttribute("heads"))
    }

    /// A model of the file's configuration with the parameters stored under `group`.
    static func readModel(_ file: HDF5File, _ group: String, capacity: Int, workers: Int = 2) throws -> GPT<Float> {
        let model = GPT<Float>(try configuration(file), capacity: capacity, workers: workers)
        for parameter in model.parameters.parameters {
            let (values, shape) = try file.readFloats("\(group)/\(parameter.name)")
            guard shape == parameter.shape else {
                throw PipelineError("\(group)/\(parameter.name) has shape \(shape), the model needs \(parameter.shape)")
            }
            for i in 0..<values.count { parameter.value[i] = values[i] }
        }
        return model
    }
}
