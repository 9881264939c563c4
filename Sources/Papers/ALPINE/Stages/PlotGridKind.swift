import Foundation
import HDF5
import PipelineEngine
import StageSupport

/// Stage kind `alpine-plot-grid`, an aggregate over a family of `alpine-evaluate` cells: ALPINE Figure 3 / 7 (sampled
/// test accuracy over layers × heads, one panel per graph size) and Figure 6 (b–d) (the same grid for degree classes
/// 0, 1 and 2). Each cell's graph size and model shape are read from its evaluation (so a grid over any of them, or
/// over a dimension with another name, is placed by what was run); NAME-grid.dat lists every cell.
struct PlotGridKind: FigureKind {
    let name = "alpine-plot-grid"
    let version = 4
    let summary = "ALPINE Fig. 3/7 (accuracy over layers × heads per graph size) and Fig. 6 b–d (the same by degree class)"
    let parameters: [ParameterSpec] = [
        ParameterSpec("figure", .fileName, default: .string("alpine-fig3"), help: "name of the accuracy figure (NAME, NAME-degrees)"),
    ]
    let inputs = [InputSlot("evaluations", help: "a family of alpine-evaluate cells over layers and heads (and nodes)", family: true)]

    func publishedFiles(_ parameters: StageParameters) -> [String] {
        let name = parameters.string("figure")
        return GnuplotFigure.files(name, data: [name + "-grid.dat"]) + GnuplotFigure.files(name + "-degrees", data: [])
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
    }
}
