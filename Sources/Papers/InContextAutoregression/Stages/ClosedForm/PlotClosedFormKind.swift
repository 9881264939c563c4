import HDF5
import NumericCore
import PipelineEngine
import StageSupport

/// Stage kind `plot-closed-form` (Figure 3): heatmaps of A, B, BᵀA and P (entries above the first super-diagonal
/// masked) on one shared palette, and the loss curve on a log scale.
struct PlotClosedFormKind: FigureKind {
    let name = "plot-closed-form"
    let version = 7
    let summary = "Figure 3: heatmaps of A, B, BᵀA, P and the GD loss curve (gnuplot)"
    let parameters: [ParameterSpec] = [
        ParameterSpec("figure", .fileName, help: "base name of the figure files, e.g. fig3-unitary"),
        ParameterSpec("title", .text, help: "figure title"),
    ]
    let inputs = [
        InputSlot("weights", help: "an extract-closed-form-weights stage"),
        InputSlot("trained", help: "the train-closed-form stage (for the loss curve)"),
    ]

    static let panels = ["A", "B", "C", "P_active"]

    static func dataFiles(_ figure: String) -> [String] { panels.map { "\(figure)-\($0).dat" } + ["\(figure)-loss.dat"] }

    func publishedFiles(_ parameters: StageParameters) -> [String] {
        let figure = parameters.string("figure")
        return GnuplotFigure.files(figure, data: Self.dataFiles(figure))
    }

    func run(_ context: StageContext) throws {
        let figureName = context.parameters.string("figure")
        let weights = try context.openHDF5("weights", "weights.h5")
        let trained = try context.openHDF5("trained", "trained.h5")
        let files = Self.dataFiles(figureName)
        var figure = GnuplotFigure(name: figureName, body: "")
        figure.pdfSize = "8in,4.4in"
        figure.pngSize = "2000,1100"
        let titles = ["A (heads × d)", "B (heads × d)", "BᵀA", "P (row t: query t, keys ≤ t+1)"]
        var body = "  set multiplot title \(try GnuplotFigure.quoted(context.parameters.string("title")))\n"
        for (index, panel) in Self.panels.enumerated() {
            var (values, shape) = try weights.readDoubles(panel)
            if panel == "P_active" {
                // Row T−1 makes no prediction: drop it rather than draw an empty strip.
                shape[0] -= 1
                values.removeLast(shape[1])
            }
            let matrix = Matrix(rows: shape[0], columns: shape[1], elements: values)
            figure.dataFiles.append((files[index], GnuplotFigure.matrixData(matrix) { i, j in !matrix[i, j].isNaN }))
            body += "  set origin \(Double(index) * 0.25),0.42\n  set size 0.25,0.5\n"
            body += GnuplotFigure.heatmap(files[index], title: titles[index], rows: shape[0], columns: shape[1],
                                          symmetricRange: true) + "\n"
        }
        let losses = try trained.readDoubles("losses").values
        let iterations = try trained.readInts("loss_iterations").values.map(Double.init)
        figure.dataFiles.append((files[4], GnuplotFigure.columnData([iterations, losses], header: "iteration loss")))
        body += """
          set origin 0.1,0
          set size 0.8,0.42
          set size ratio 0
          set autoscale
          set logscale y
          set ytics \(GnuplotFigure.logTickFactor(losses)); set mytics 10
          set format y "10^{%L}"
          set title "population loss during GD (non-positive round-off values not drawn)"
          set xlabel "iteration"
          set tics scale 1
          plot '\(files[4])' using 1:($2 > 0 ? $2 : 1/0) with lines lw 1.5 lc rgb '#277f8e' notitle
          unset logscale y
          unset multiplot
        """
        figure.body = body
        try figure.render(in: context)
    }
}
