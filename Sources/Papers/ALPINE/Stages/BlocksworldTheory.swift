import HDF5
import NumericCore
import PathFinding
import PathFindingTransformer
import PipelineEngine
import StageSupport

/// ALPINE App. F's claims about Blocksworld, checked on the graph, the data and the family of widths (the theory
/// table of `alpine-plot-blocksworld`).
extension PlotBlocksworldKind {
    func theory(_ context: StageContext, graphFile: HDF5File, pathsFile: HDF5File, graph: DirectedGraph, observed: [Bool],
                runs: [Run], widest: (wm: Matrix, wv: Matrix, attention: Double), edges: [Int], nonEdges: [Int]) throws {
        let n = graph.nodeCount
        var rows: [TheoryRow] = []
        func zero(_ claim: String, _ measured: Int, note: String = "", paper: String = "") {
            rows.append(TheoryRow(claim: claim, measured: Double(measured), tolerance: "= 0", passed: measured == 0, note: note, paper: paper))
        }

        // The graph.
        rows.append(.near("states of 4 blocks", Double(n), target: 73, within: 0, paper: "73 (App. F)"))
        let support = try graphFile.readInts("support").values.map(Int.init)
        let stacks = (0..<n).map { s in (0..<Blocksworld.blockCount).filter { support[s * Blocksworld.blockCount + $0] == Blocksworld.table }.count }
        let byStacks = (1...4).map { k in stacks.filter { $0 == k }.count }
        zero("states per stack count − Lah numbers (24, 36, 12, 1)", zip(byStacks, [24, 36, 12, 1]).map { abs($0 - $1) }.reduce(0, +),
             note: "1/2/3/4 stacks: " + byStacks.map(String.init).joined(separator: "/"), paper: "24 + 36 + 12 + 1 = 73 (derived)")
        // Node 0: red on blue on orange on yellow on the table.
        zero("node 0 differs from red/blue/orange/yellow/table (blocks misplaced)",
             zip(support[0..<Blocksworld.blockCount], [1, 2, 3, Blocksworld.table]).filter { $0 != $1 }.count, paper: "node 0 (App. F)")
        zero("asymmetric adjacency entries (moves undo each other)",
             (0..<(n * n)).filter { graph.adjacency[$0] != graph.adjacency[($0 % n) * n + $0 / n] }.count, paper: "symmetric (derived)")
        zero("ordered pairs with no path (strongly connected)", graph.reachability.filter { !$0 }.count, paper: "0 (\"fully connected\")")
        let degree = (0..<n).map { graph.successors($0).count }
        zero("nodes 0–23 not of degree 1, plus later nodes of degree 1", (0..<24).filter { degree[$0] != 1 }.count + (24..<n).filter { degree[$0] == 1 }.count,
             note: "the 24 single towers are nodes 0–23", paper: "first 24 ids are the towers (derived)")
        rows.append(.report("directed edges (legal moves)", Double(graph.edgeCount)))

        // The split and the paths.
        let train = try ALPINEFiles.readPairs(graphFile, "train_pairs"), test = try ALPINEFiles.readPairs(graphFile, "test_pairs")
        let ordered = n * (n - 1)
        let share = try graphFile.doubleAttribute("train_share")
        rows.append(.near("train share of the ordered pairs", Double(train.count) / Double(ordered), target: share,
                          within: 1 / Double(ordered), note: "\(train.count) train, \(test.count) test of \(ordered)", paper: "80 % / 20 %"))
        let trainSet = Set(train), testSet = Set(test)
        let all = Set((0..<n).flatMap { s in (0..<n).filter { $0 != s }.map { PairSplit.Pair(source: s, target: $0) } })
        zero("pairs in both sets, or in neither", trainSet.intersection(testSet).count + all.symmetricDifference(trainSet.union(testSet)).count)
        let trainLines = try ALPINEFiles.readLines(pathsFile, "train"), testLines = try ALPINEFiles.readLines(pathsFile, "test")
        rows.append(.near("training lines", Double(trainLines.count), target: 50_000, within: 0, paper: "50,000"))
        let rule = PathValidity(nodeCount: n, adjacency: graph.adjacency)
        let bad = (trainLines + testLines).filter { line in
            let path = line.dropLast().dropFirst(2).map(PathLines.node)
            return !rule.isValid(line, source: PathLines.node(line[0]), target: PathLines.node(line[1])) || Set(path).count != path.count
        }.count
        zero("invalid or cyclic train and test paths", bad, paper: "cycle-free paths (App. F)")
        let lengths = trainLines.map { $0.count - 3 }
        rows.append(.report("mean training path length (nodes)", Double(lengths.reduce(0, +)) / Double(lengths.count),
                            note: "longest line \(try pathsFile.intAttribute("longest_line")) tokens"))
        let observedAdjacency = try ALPINEFiles.readMatrix(pathsFile, "observed_adjacency").values
        zero("entries where A_obs ≠ A_true", zip(observedAdjacency, graph.adjacency).filter { $0 != $1 }.count, paper: "every move observed (derived)")
        zero("off-diagonal R_obs entries in the first 24 columns", (0..<n).flatMap { t in (0..<24).filter { $0 != t && observed[t * n + $0] } }.count,
             paper: "the towers are observed reaching only themselves (App. F)")
        let degrees = try pathsFile.readInts("test_degree").values
        zero("test pairs of degree ≥ 2", degrees.filter { $0 >= 2 }.count,
             note: "degree 0/1: \(degrees.filter { $0 == 0 }.count)/\(degrees.filter { $0 == 1 }.count)", paper: "none (App. F)")

        // The trainings.
        for run in runs {
            rows.append(TheoryRow(claim: "final sampled test accuracy, d = \(run.width)", measured: run.finalAccuracy,
                                  tolerance: "≥ \(TheoryRow.format(Self.accuracyThreshold))", passed: run.finalAccuracy >= Self.accuracyThreshold,
                                  paper: "near 100 % (Fig. 11 d)"))
        }
        // The paper does not say how Figure 11 (d) decodes; greedy completions of the same prompts, for comparison.
        for run in runs {
            rows.append(.report("final greedy test accuracy (same prompts), d = \(run.width)", run.greedyAccuracy,
                                paper: "near 100 % (Fig. 11 d; decoding not stated)"))
        }
        let meanAccuracy = runs.map { mean($0.accuracy) }
        let rise = zip(meanAccuracy, meanAccuracy.dropFirst()).map { $1 - $0 }.min() ?? .nan
        rows.append(TheoryRow(claim: "mean accuracy over the checkpoints rises with d (least step between widths)", measured: rise,
                              tolerance: "> 0", passed: rise > 0,
                              note: zip(runs, meanAccuracy).map { "d = \($0.width): \(TheoryRow.format($1))" }.joined(separator: ", "),
                              paper: "smaller d converges more slowly (Fig. 11 d)"))
        for run in runs {
            let growth = run.adjacencyGap.last! - run.adjacencyGap.first!
            rows.append(TheoryRow(claim: "W_M′ gap grows from the first checkpoint to the last, d = \(run.width)", measured: growth,
                                  tolerance: "> 0", passed: growth > 0,
                                  note: "first \(TheoryRow.format(run.adjacencyGap.first!)), last \(TheoryRow.format(run.adjacencyGap.last!))",
                                  paper: "increasing, up to ≈ 7 (Fig. 11 e)"))
        }
        for run in runs {
            let growth = run.reachabilityGap.last! - run.reachabilityGap.first!
            rows.append(TheoryRow(claim: "W_V′ gap (R_obs − rest) grows from the first checkpoint to the last, d = \(run.width)", measured: growth,
                                  tolerance: "> 0", passed: growth > 0,
                                  note: "first \(TheoryRow.format(run.reachabilityGap.first!)), last \(TheoryRow.format(run.reachabilityGap.last!))",
                                  paper: "increasing, −1 to 4 (Fig. 12 c)"))
        }
        let d = runs.last!.width
        let wmAUC = auc(edges.map { widest.wm.elements[$0] }, nonEdges.map { widest.wm.elements[$0] })
        rows.append(TheoryRow(claim: "W_M′ (LN) AUC, edges vs non-edges (i ≠ j), d = \(d)", measured: wmAUC, tolerance: "≥ 0.95",
                              passed: wmAUC >= 0.95, paper: "matches the adjacency \"almost perfectly\" (Fig. 11 b)"))
        // "The first 24 columns are visibly darker": W_V′ below the rest there, off the diagonal.
        let offDiagonal = (0..<(n * n)).filter { $0 / n != $0 % n }
        let towerColumns = offDiagonal.filter { $0 % n < 24 }.map { widest.wv.elements[$0] }
        let otherColumns = offDiagonal.filter { $0 % n >= 24 }.map { widest.wv.elements[$0] }
        let darker = mean(towerColumns) - mean(otherColumns)
        rows.append(TheoryRow(claim: "W_V′ (LN) mean on the first 24 columns − on the others (off the diagonal), d = \(d)", measured: darker,
                              tolerance: "< 0", passed: darker < 0, paper: "first 24 columns darker (Fig. 12 b)"))
        rows.append(.report("mean attention on the target token (key 2), queries n ≥ 3, d = \(d)", widest.attention,
                            paper: "concentrated on the target (Fig. 11 c)"))

        var table = TheoryTable(title: "ALPINE — Blocksworld (App. F), 1 layer, 1 head, d = " + runs.map { String($0.width) }.joined(separator: ", "),
                                rows: rows)
        table.notes = [
            "Gaps over every entry (the graph is symmetric): W_M′ over ordered pairs i ≠ j, edges minus non-edges; W_V′ over all (t, k), R_obs = 1 minus R_obs = 0; both the LayerNorm-applied readouts.",
            "Accuracy over training: \(runs.first.map { String(Int($0.steps.count)) } ?? "0") checkpoints, each judged on the final evaluation's prompts with its own sampling (alpine-evaluate checkpoint_rounds).",
        ]
        try table.write(context, figure: context.parameters.string("table"))
    }
}
