import Foundation
import HDF5
import PipelineEngine
import StageSupport

/// Stage kind `alpine-plot-grid`, an aggregate over a family of `alpine-evaluate` cells: ALPINE Figure 3 / 7 (sampled
/// test accuracy over layers × heads, one panel per graph size) and Figure 6 (b–d) (the same grid for degree classes
/// 0, 1 and 2). Each cell's graph size and model shape are read from its evaluation (so a grid over any of them, or
/// over a dimension with another name, is placed by what was run); NAME-grid.dat lists every cell; NAME-theory.md
/// holds the text's claims about the grid (flat across heads, a slight gain with layers, falling with n).
struct PlotGridKind: FigureKind, DeclaresDatasets {
    let name = "alpine-plot-grid"
    let version = 5
    let summary = "ALPINE Fig. 3/7 (accuracy over layers × heads per graph size) and Fig. 6 b–d (the same by degree class)"
    let parameters: [ParameterSpec] = [
        ParameterSpec("figure", .fileName, default: .string("alpine-fig3"), help: "name of the accuracy figure (NAME, NAME-degrees)"),
    ]
    let inputs = [InputSlot("evaluations", help: "a family of alpine-evaluate cells over layers and heads (and nodes)", family: true)]
    let datasets = TheoryTable.datasets

    func publishedFiles(_ parameters: StageParameters) -> [String] {
        let name = parameters.string("figure")
        return GnuplotFigure.files(name, data: [name + "-grid.dat"]) + GnuplotFigure.files(name + "-degrees", data: [])
            + TheoryTable.publishedFiles(figure: name)
    }

    struct Cell {
        let nodes: Int, layers: Int, heads: Int
        let accuracy: Double
        let degreeAccuracy: [Double]
        let degreeTrials: [Int64]
    }

    func run(_ context: StageContext) throws {
        let name = context.parameters.string("figure")
        let cells: [Cell] = try context.familyInputs("evaluations").map { input in
            let evaluation = try context.openHDF5(input.slot, "evaluation.h5")
            let trials = try evaluation.readInts("degree_trials").values, correct = try evaluation.readInts("degree_correct").values
            return Cell(nodes: try evaluation.intAttribute("nodes"), layers: try evaluation.intAttribute("layers"),
                        heads: try evaluation.intAttribute("heads"),
                        accuracy: try evaluation.doubleAttribute("accuracy"),
                        degreeAccuracy: (0..<4).map { trials[$0] == 0 ? .nan : Double(correct[$0]) / Double(trials[$0]) },
                        degreeTrials: trials)
        }
        guard !cells.isEmpty else { throw PipelineError("the family 'evaluations' has no cells") }
        let sizes = Array(Set(cells.map(\.nodes))).sorted()
        let layers = Array(Set(cells.map(\.layers))).sorted(), heads = Array(Set(cells.map(\.heads))).sorted()
        guard cells.count == sizes.count * layers.count * heads.count else {
            throw PipelineError("the cells do not fill a grid of graph sizes × layers × heads (\(cells.count) cells for "
                + "\(sizes.count) × \(layers.count) × \(heads.count))")
        }
        // One block per graph size (gnuplot `index`), rows in layers-then-heads order, so `with image` sees a full grid.
        var data = "# nodes layers heads accuracy acc_deg0 acc_deg1 acc_deg2 acc_deg3 trials_deg0 trials_deg1 trials_deg2 trials_deg3\n"
        for (block, size) in sizes.enumerated() {
            if block > 0 { data += "\n\n" }
            for cell in cells.filter({ $0.nodes == size }).sorted(by: { ($0.layers, $0.heads) < ($1.layers, $1.heads) }) {
                data += ([Double(cell.nodes), Double(cell.layers), Double(cell.heads), cell.accuracy] + cell.degreeAccuracy
                         + cell.degreeTrials.map(Double.init)).map { String($0) }.joined(separator: " ") + "\n"
            }
        }
        let dat = name + "-grid.dat"
        func panel(_ block: Int, column: Int, title: String) -> String {
            """
              set title "\(title)"
              set xrange [\(Double(heads.first!) - 0.5):\(Double(heads.last!) + 0.5)]
              set yrange [\(Double(layers.last!) + 0.5):\(Double(layers.first!) - 0.5)]
              set xtics 1; set ytics 1
              set xlabel "heads"; set ylabel "layers"
              set cbrange [0:1]
              unset key
              plot '\(dat)' index \(block) using 3:2:\(column) with image pixels, \\
                   '' index \(block) using 3:2:(sprintf("%.2f", $\(column))) with labels textcolor rgb "black"
            """
        }
        var accuracy = GnuplotFigure(name: name, body: "")
        accuracy.dataFiles = [(dat, data)]
        accuracy.pdfSize = "\(max(4, 3.5 * Double(sizes.count)))in,3.6in"
        accuracy.pngSize = "\(max(1000, 875 * sizes.count)),900"
        accuracy.body = "  set multiplot layout 1,\(sizes.count) title \"Figure 3: sampled test accuracy over layers × heads\"\n"
            + sizes.enumerated().map { panel($0.offset, column: 4, title: "n = \($0.element)") }.joined(separator: "\n")
            + "\n  unset multiplot"
        try accuracy.render(in: context)

        var degrees = GnuplotFigure(name: name + "-degrees", body: "")
        degrees.pdfSize = "\(3.5 * 3)in,\(3.4 * Double(sizes.count))in"
        degrees.pngSize = "2625,\(850 * sizes.count)"
        degrees.body = "  set multiplot layout \(sizes.count),3 title \"Figure 6 (b–d): accuracy by degree class of the test pair\"\n"
            + sizes.enumerated().flatMap { block, size in
                (0..<3).map { panel(block, column: 5 + $0, title: "degree \($0), n = \(size)") }
            }.joined(separator: "\n") + "\n  unset multiplot"
        // The degree figure reads the accuracy figure's data file, written beside it above.
        try degrees.render(in: context)
        try Self.theory(cells, sizes: sizes, layers: layers, heads: heads).write(context, figure: name)
    }

    /// ALPINE §5 (Fig. 3 text): (a) accuracy falls as n grows, (b) it is flat across heads, (c) at most a slight gain
    /// with more layers; each cell's accuracy and its degree classes reported. The text gives no numbers: "flat" is
    /// read as a spread of at most 0.05 and "slight" as a gain of at most 0.1 (our bounds, said in the notes).
    static func theory(_ cells: [Cell], sizes: [Int], layers: [Int], heads: [Int]) -> TheoryTable {
        func cell(_ n: Int, _ l: Int, _ h: Int) -> Cell { cells.first { $0.nodes == n && $0.layers == l && $0.heads == h }! }
        var rows: [TheoryRow] = []
        for n in sizes {
            for l in layers {
                for h in heads {
                    let c = cell(n, l, h)
                    rows.append(.report("sampled accuracy, n = \(n), \(l) layer\(l == 1 ? "" : "s"), \(h) head\(h == 1 ? "" : "s")", c.accuracy,
                                        note: "degree 0/1/2: " + (0..<3).map { c.degreeTrials[$0] == 0 ? "—" : TheoryRow.format(c.degreeAccuracy[$0]) }.joined(separator: " / "),
                                        paper: "no cell values in the text (Fig. 3)"))
                }
            }
        }
        if heads.count > 1 {
            for n in sizes {
                for l in layers {
                    let values = heads.map { cell(n, l, $0).accuracy }
                    let spread = values.max()! - values.min()!
                    rows.append(TheoryRow(claim: "spread of accuracy over \(heads.count) head counts, n = \(n), \(l) layer\(l == 1 ? "" : "s")",
                                          measured: spread, tolerance: "≤ 0.05", passed: spread <= 0.05,
                                          paper: "flat across heads (Fig. 3 text)"))
                }
            }
        }
        if layers.count > 1 {
            for n in sizes {
                for h in heads {
                    let gain = cell(n, layers.last!, h).accuracy - cell(n, layers.first!, h).accuracy
                    rows.append(TheoryRow(claim: "accuracy gain from \(layers.first!) to \(layers.last!) layers, n = \(n), \(h) head\(h == 1 ? "" : "s")",
                                          measured: gain, tolerance: "≤ 0.1", passed: gain <= 0.1,
                                          paper: "at most a slight gain with more layers (Fig. 3 text)"))
                }
            }
        }
        if sizes.count > 1 {
            for l in layers {
                for h in heads {
                    let drop = cell(sizes.first!, l, h).accuracy - cell(sizes.last!, l, h).accuracy
                    rows.append(TheoryRow(claim: "accuracy drop from n = \(sizes.first!) to n = \(sizes.last!), \(l) layer\(l == 1 ? "" : "s"), \(h) head\(h == 1 ? "" : "s")",
                                          measured: drop, tolerance: "> 0", passed: drop > 0,
                                          paper: "accuracy falls as n grows (Fig. 3 text)"))
                }
            }
        }
        var table = TheoryTable(title: "ALPINE Fig. 3 — accuracy over layers × heads (\(cells.count) cells)", rows: rows)
        table.notes = ["The paper states its grid claims without numbers; the bounds 0.05 (flat across heads) and 0.1 (a slight gain with layers) are ours. Rows for a dimension with a single value are not written."]
        return table
    }
}
