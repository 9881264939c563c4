import Foundation
import HDF5
import NumericCore
import PathFinding
import PipelineEngine
import StageSupport

/// Stage kind `alpine-plot-blocksworld`, an aggregate over a family of 1-layer, 1-head trainings of different width
/// d on the Blocksworld graph (ALPINE App. F): Figure 11 — (a) the adjacency, (b) W_M′ of the widest model, (c) its
/// mean attention, (d) sampled test accuracy over training per d, (e) the W_M′ edge − non-edge gap over training per
/// d — and Figure 12 — (a) R_obs, (b) W_V′ of the widest model, (c) the W_V′ observed − unobserved gap per d — and
/// the App. F theory table (graph facts, split, accuracy, the gaps' growth, R_obs's first 24 columns, degrees).
///
/// The gaps are taken over every entry (the graph is symmetric, so the DAG's i < j triangle has no meaning here):
/// W_M′ over ordered pairs i ≠ j, edges against non-edges; W_V′ over all (t, k), R_obs = 1 against R_obs = 0. Both
/// read the LayerNorm-applied W_M′ / W_V′, as Figures 5–6 do (README, "ALPINE's readouts").
struct PlotBlocksworldKind: FigureKind, DeclaresDatasets {
    let name = "alpine-plot-blocksworld"
    let version = 1
    let datasets = TheoryTable.datasets
    let summary = "ALPINE Fig. 11/12 (Blocksworld: adjacency, W_M′, attention, accuracy and gaps over training per d, R_obs, W_V′) and App. F's checks"
    let parameters: [ParameterSpec] = [
        ParameterSpec("figure", .fileName, default: .string("alpine-fig"), help: "prefix of the figure files (PREFIX11, PREFIX12)"),
        ParameterSpec("table", .fileName, default: .string("alpine-blocksworld"), help: "name of the theory table (TABLE-theory.md)"),
    ]
    let inputs = [
        InputSlot("graph", help: "the alpine-blocksworld-graph stage"),
        InputSlot("paths", help: "its alpine-blocksworld-paths stage"),
        InputSlot("evaluations", help: "a family of alpine-evaluate cells (checkpoint_rounds > 0) over the width", family: true),
        InputSlot("weights", help: "the family of alpine-weights cells of the same trainings", family: true),
    ]

    /// The lowest final sampled accuracy that counts as the paper's "near 100 %" for every d: the level where the
    /// widest model's curve flattens on this data (0.95–0.96 over its last five checkpoints), above the n = 100
    /// DAG's 0.9 because every Blocksworld test pair is of degree 0 or 1 (README).
    static let accuracyThreshold = 0.95

    static func data(_ prefix: String) -> (eleven: [String], twelve: [String]) {
        (["\(prefix)11-adjacency.dat", "\(prefix)11-wm.dat", "\(prefix)11-attention.dat", "\(prefix)11-curves.dat"],
         ["\(prefix)12-observed.dat", "\(prefix)12-wv.dat", "\(prefix)12-curves.dat"])
    }

    func publishedFiles(_ parameters: StageParameters) -> [String] {
        let prefix = parameters.string("figure"), files = Self.data(prefix)
        return GnuplotFigure.files(prefix + "11", data: files.eleven) + GnuplotFigure.files(prefix + "12", data: files.twelve)
            + TheoryTable.publishedFiles(figure: parameters.string("table"))
    }

    /// One width's curves over its checkpoints.
    struct Run {
        let width: Int
        let steps: [Double]
        let accuracy: [Double]
        let finalAccuracy: Double
        let greedyAccuracy: Double
        let adjacencyGap: [Double]
        let reachabilityGap: [Double]
        let weights: HDF5File
        let checkpoints: Int
    }

    func run(_ context: StageContext) throws {
        let prefix = context.parameters.string("figure"), files = Self.data(prefix)
        let graphFile = try context.openHDF5("graph", "graph.h5"), pathsFile = try context.openHDF5("paths", "paths.h5")
        let graph = try ALPINEFiles.readDirectedGraph(graphFile)
        let n = graph.nodeCount
        let observed = try ALPINEFiles.readMatrix(pathsFile, "observed_reachability").values
        let offDiagonal = (0..<(n * n)).filter { $0 / n != $0 % n }
        let edges = offDiagonal.filter { graph.adjacency[$0] }, nonEdges = offDiagonal.filter { !graph.adjacency[$0] }
        let seen = (0..<(n * n)).filter { observed[$0] }, unseen = (0..<(n * n)).filter { !observed[$0] }

        let evaluations = context.familyInputs("evaluations"), weightInputs = context.familyInputs("weights")
        guard !evaluations.isEmpty else { throw PipelineError("the family 'evaluations' has no cells") }
        let runs: [Run] = try evaluations.map { input in
            guard let match = weightInputs.first(where: { $0.cell == input.cell }) else {
                throw PipelineError("no weights cell matches \(input.slot)")
            }
            let evaluation = try context.openHDF5(input.slot, "evaluation.h5")
            guard evaluation.contains("checkpoint_accuracy") else {
                throw PipelineError("\(input.slot) judged no checkpoints: set its checkpoint_rounds above 0")
            }
            let weights = try context.openHDF5(match.slot, "weights.h5")
            let steps = try weights.readInts("checkpoint_steps").values
            guard try evaluation.readInts("checkpoint_steps").values == steps else {
                throw PipelineError("\(input.slot) and \(match.slot) hold different checkpoints")
            }
            let (wm, shape) = try weights.readFloats("W_M_LN")
            let wv = try weights.readFloats("W_V_LN").values
            let size = n * n
            func gap(_ w: [Float], _ c: Int, _ high: [Int], _ low: [Int]) -> Double {
                mean(high.map { Double(w[c * size + $0]) }) - mean(low.map { Double(w[c * size + $0]) })
            }
            return Run(width: try evaluation.intAttribute("width"), steps: steps.map(Double.init),
                       accuracy: try evaluation.readDoubles("checkpoint_accuracy").values,
                       finalAccuracy: try evaluation.doubleAttribute("accuracy"),
                       greedyAccuracy: try evaluation.doubleAttribute("greedy_accuracy"),
                       adjacencyGap: (0..<shape[0]).map { gap(wm, $0, edges, nonEdges) },
                       reachabilityGap: (0..<shape[0]).map { gap(wv, $0, seen, unseen) },
                       weights: weights, checkpoints: shape[0])
        }.sorted { $0.width < $1.width }
        guard Set(runs.map(\.width)).count == runs.count else { throw PipelineError("two cells have the same width") }
        let widest = runs.last!
        let wmWidest = try finalMatrix(widest, "W_M_LN", n), wvWidest = try finalMatrix(widest, "W_V_LN", n)

        // Curves: one gnuplot block (index) per width: step, accuracy, W_M′ gap, W_V′ gap.
        let curves = runs.map { GnuplotFigure.columnData([$0.steps, $0.accuracy, $0.adjacencyGap, $0.reachabilityGap],
                                                        header: "d = \($0.width): step accuracy wm_gap wv_gap") }
            .joined(separator: "\n\n")
        func lines(_ file: String, column: Int) -> String {
            "plot " + runs.enumerated().map { k, run in
                "'\(file)' index \(k) using 1:\(column) with linespoints lw 2 pt \(5 + 2 * k) title 'd = \(run.width)'"
            }.joined(separator: ", \\\n       ")
        }
        func panel(_ x: Double, _ y: Double, _ w: Double, _ h: Double, _ body: String) -> String {
            "  set origin \(x),\(y)\n  set size \(w),\(h)\n" + body + "\n"
        }
        func curvePanel(_ title: String, _ yLabel: String, _ file: String, column: Int, range: String = "set autoscale y") -> String {
            """
              set size ratio 0
              set autoscale
              \(range)
              set title "\(title)"
              set xlabel "training step"; set ylabel "\(yLabel)"
              set key bottom right
              set xtics autofreq; set ytics autofreq
              \(lines(file, column: column))
              unset xlabel; unset ylabel
            """
        }

        let adjacency = Matrix(rows: n, columns: n, elements: graph.adjacency.map { $0 ? 1 : 0 })
        let (attention, attentionShape) = try widest.weights.readDoubles("attention")
        let block = attentionShape[0]
        var eleven = GnuplotFigure(name: prefix + "11", body: "")
        eleven.pdfSize = "13in,8in"
        eleven.pngSize = "3250,2000"
        eleven.dataFiles = [
            (files.eleven[0], GnuplotFigure.matrixData(adjacency)),
            (files.eleven[1], GnuplotFigure.matrixData(wmWidest)),
            (files.eleven[2], GnuplotFigure.matrixData(Matrix(rows: block, columns: block, elements: attention)) { t, k in k <= t }),
            (files.eleven[3], curves),
        ]
        eleven.body = "  set multiplot title \"Figure 11: Blocksworld (\(n) states), 1 layer, 1 head\"\n"
            + panel(0, 0.5, 1.0 / 3, 0.46, GnuplotFigure.heatmap(files.eleven[0], title: "(a) adjacency (one legal move)", rows: n, columns: n,
                                                                xLabel: "next state", yLabel: "state"))
            + panel(1.0 / 3, 0.5, 1.0 / 3, 0.46, GnuplotFigure.heatmap(files.eleven[1], title: "(b) W_M′ (LN), d = \(widest.width)", rows: n, columns: n,
                                                                      symmetricRange: true, xLabel: "next state", yLabel: "current state"))
            + panel(2.0 / 3, 0.5, 1.0 / 3, 0.46, GnuplotFigure.heatmap(files.eleven[2], title: "(c) mean attention, d = \(widest.width)", rows: block, columns: block,
                                                                      colourRange: 0...1, xLabel: "key position (1 = target)", yLabel: "query position"))
            + panel(0, 0, 0.5, 0.48, curvePanel("(d) sampled test accuracy", "accuracy", files.eleven[3], column: 2, range: "set yrange [0:1.02]"))
            + panel(0.5, 0, 0.5, 0.48, curvePanel("(e) W_M′ mean on edges − on non-edges", "gap", files.eleven[3], column: 3))
            + "  unset multiplot\n"
        try eleven.render(in: context)

        var twelve = GnuplotFigure(name: prefix + "12", body: "")
        twelve.pdfSize = "13in,4.2in"
        twelve.pngSize = "3250,1050"
        twelve.dataFiles = [
            (files.twelve[0], GnuplotFigure.matrixData(Matrix(rows: n, columns: n, elements: observed.map { $0 ? 1 : 0 }))),
            (files.twelve[1], GnuplotFigure.matrixData(wvWidest)),
            (files.twelve[2], curves),
        ]
        twelve.body = "  set multiplot title \"Figure 12: what W_V′ learns on Blocksworld\"\n"
            + panel(0, 0, 1.0 / 3, 0.92, GnuplotFigure.heatmap(files.twelve[0], title: "(a) R_{obs} (row = target)", rows: n, columns: n,
                                                              xLabel: "state k", yLabel: "target t"))
            + panel(1.0 / 3, 0, 1.0 / 3, 0.92, GnuplotFigure.heatmap(files.twelve[1], title: "(b) W_V′ (LN), d = \(widest.width)", rows: n, columns: n,
                                                                    symmetricRange: true, xLabel: "state k", yLabel: "target t"))
            + panel(2.0 / 3, 0.04, 1.0 / 3, 0.84, curvePanel("(c) W_V′ mean on R_{obs} = 1 − on R_{obs} = 0", "gap", files.twelve[2], column: 4))
            + "  unset multiplot\n"
        try twelve.render(in: context)

        try theory(context, graphFile: graphFile, pathsFile: pathsFile, graph: graph, observed: observed, runs: runs,
                   widest: (wm: wmWidest, wv: wvWidest, attention: try widest.weights.doubleAttribute("target_attention")),
                   edges: edges, nonEdges: nonEdges)
    }

    /// The last checkpoint of `name` ([checkpoints, n, n]) of a run.
    func finalMatrix(_ run: Run, _ name: String, _ n: Int) throws -> Matrix {
        let values = try run.weights.readFloats(name).values
        return Matrix(rows: n, columns: n, elements: values[((run.checkpoints - 1) * n * n)...].map(Double.init))
    }
}
