import Foundation
import HDF5
import NumericCore
import PipelineEngine
import StageSupport

/// Stage kind `plot-multihead` (Figure 7): loss curves, the head-coupling matrix O with its spectrum, and the
/// positional weights of the four heads with the largest |O_hh|.
struct PlotMultiHeadKind: FigureKind {
    let name = "plot-multihead"
    let version = 9
    let summary = "Figure 7: loss curves, head coupling O and its spectrum, positional weights of the main heads"
    let parameters: [ParameterSpec] = [
        ParameterSpec("figure", .fileName, default: .string("fig7"), help: "base name of the figure files"),
    ]
    let inputs = [
        InputSlot("trained", help: "a train-multihead stage"),
        InputSlot("analysis", help: "its verify-multihead stage"),
    ]

    static func dataFiles(_ figure: String) -> [String] {
        ["\(figure)-losses.dat", "\(figure)-coupling.dat", "\(figure)-spectrum.dat"] + (0..<4).map { "\(figure)-rho\($0).dat" }
    }

    func publishedFiles(_ parameters: StageParameters) -> [String] {
        let figure = parameters.string("figure")
        return GnuplotFigure.files(figure, data: Self.dataFiles(figure))
    }

    func run(_ context: StageContext) throws {
        let name = context.parameters.string("figure")
        let files = Self.dataFiles(name)
        let trained = try context.openHDF5("trained", "trained.h5")
        let analysis = try HDF5File.open(try context.inputFile("analysis", "analysis.h5"))
        let train = try trained.readDoubles("train_loss").values
        let test = try trained.readDoubles("test_loss").values
        let (coupling, couplingShape) = try analysis.readDoubles("head_coupling")
        let heads = couplingShape[0]
        let real = try analysis.readDoubles("coupling_eigenvalues_real").values
        let imaginary = try analysis.readDoubles("coupling_eigenvalues_imag").values
        let (rho, rhoShape) = try analysis.readDoubles("positional_weights")
        let positions = rhoShape[1]
        let moduli = zip(real, imaginary).map { ($0 * $0 + $1 * $1).squareRoot() }.sorted(by: >)
        let mainHeads = (0..<heads).sorted { abs(coupling[$0 * heads + $0]) > abs(coupling[$1 * heads + $1]) }.prefix(4)
        var figure = GnuplotFigure(name: name, body: "")
        figure.pdfSize = "9in,5in"
        figure.pngSize = "2250,1250"
        figure.dataFiles = [
            (files[0], GnuplotFigure.columnData([(1...train.count).map(Double.init), train, test], header: "epoch train test")),
            (files[1], GnuplotFigure.matrixData(Matrix(rows: heads, columns: heads, elements: coupling))),
            (files[2], GnuplotFigure.columnData([(1...moduli.count).map(Double.init), moduli.map { max($0, 1e-300) }], header: "rank |eigenvalue of O|")),
        ]
        var rhoPanels = ""
        for (index, head) in mainHeads.enumerated() {
            let block = Array(rho[(head * positions * positions)..<((head + 1) * positions * positions)])
            let matrix = Matrix(rows: positions, columns: positions, elements: block)
            figure.dataFiles.append((files[3 + index], GnuplotFigure.matrixData(matrix) { t, k in k <= t }))
            rhoPanels += "  set origin \(Double(index) * 0.25),0\n  set size 0.25,0.47\n"
            rhoPanels += GnuplotFigure.heatmap(files[3 + index], title: "ρ of head \(head) (|O_{hh}| rank \(index + 1))",
                                               rows: positions, columns: positions, xLabel: "key t'", yLabel: "query t") + "\n"
        }
        figure.body = """
          set multiplot title "Figure 7: non-augmented multi-head model (d = 5, H = \(heads))"
          set origin 0,0.47
          set size 0.34,0.47
          set logscale y
          set xlabel "epoch"
          set ylabel "MSE"
          set title "MSE: test (solid), train (dashed)"
          plot '\(files[0])' using 1:3 with lines lw 1.5 lc 2 title 'test', '' using 1:2 with linespoints dt 2 lw 1 pt 6 ps 0.9 pi \(max(1, train.count / 10)) lc 1 title 'train'
          unset logscale y; unset xlabel; unset ylabel
          set origin 0.34,0.47
          set size 0.33,0.47
        \(GnuplotFigure.heatmap(files[1], title: "head coupling O_{hh'} = <M_h, N_{h'}>_F", rows: heads, columns: heads, symmetricRange: true,
                                 xLabel: "head h'", yLabel: "head h"))
          set origin 0.67,0.47
          set size 0.33,0.47
          set size ratio 0
          set autoscale
          set logscale y
          set xlabel "rank"
          set title "|eigenvalues| of O"
          plot '\(files[2])' using 1:2 with points pt 7 ps 0.6 notitle
          unset logscale y; unset xlabel
        \(rhoPanels)
          unset multiplot
        """
        try figure.render(in: context)
    }
}
