import Foundation
import HDF5
import NumericCore
import PipelineEngine
import StageSupport

/// Stage kind `plot-positional` (Figure 6): for each μ a heatmap of the trained P (super-diagonal outlined) and
/// its last row next to the population closed form; a last panel overlays the four last rows.
struct PlotPositionalKind: FigureKind {
    let name = "plot-positional"
    let version = 6
    let summary = "Figure 6: heatmaps of P per μ, last rows against the closed form (gnuplot)"
    let parameters: [ParameterSpec] = [
        ParameterSpec("figure", .fileName, default: .string("fig6"), help: "base name of the figure files"),
    ]
    let inputs = [
        InputSlot("trained", help: "a train-positional stage"),
        InputSlot("closed_form", help: "the verify-positional stage of the same training"),
    ]

    static let dataFiles = (0..<4).map { "fig6-P\($0).dat" } + ["fig6-last-rows.dat"]

    func publishedFiles(_ parameters: StageParameters) -> [String] {
        GnuplotFigure.files(parameters.string("figure"), data: Self.dataFiles)
    }

    func run(_ context: StageContext) throws {
        let trained = try context.openHDF5("trained", "positional.h5")
        let closed = try HDF5File.open(try context.inputFile("closed_form", "closed_form.h5"))
        let parameters = try JSONParser.parse(try trained.stringAttribute("icar_parameters"))
        guard case let .array(values)? = parameters["mus"] else { throw PipelineError("positional.h5 lacks its μ list") }
        let mus = values.compactMap { value -> Double? in if case let .number(v) = value { return v } else { return nil } }
        guard mus.count == 4 else { throw PipelineError("Figure 6 is drawn for exactly 4 values of μ, got \(mus.count)") }
        var figure = GnuplotFigure(name: context.parameters.string("figure"), body: "")
        figure.pdfSize = "8in,4.6in"
        figure.pngSize = "2000,1150"
        var lastRows: [[Double]] = []
        var body = "  set multiplot layout 2,4 title \"Figure 6: positional weights P trained by early-stopped GD (phase sequences, T = 30)\"\n"
        var lineBody = ""
        for (index, mu) in mus.enumerated() {
            let group = TrainPositionalKind.group(mu)
            let (weights, shape) = try trained.readDoubles("\(group)/P")
            let p = Matrix(rows: shape[0], columns: shape[1], elements: weights)
            let population = try closed.readDoubles("\(group)/population").values
            let rows = shape[0]
            // Rows 0 … T−2 make predictions; entries above the first super-diagonal are not used (blank).
            figure.dataFiles.append((Self.dataFiles[index], GnuplotFigure.matrixData(p) { i, j in i < rows - 1 && j <= i + 1 }))
            let lastRow = rows - 2
            lastRows.append((0..<shape[1]).map { p[lastRow, $0] })
            lastRows.append((0..<shape[1]).map { population[lastRow * shape[1] + $0] })
            // Outline the super-diagonal P[t, t+1] (what the reference's figure drops).
            let marks = (0..<(rows - 1)).map { t in
                "set object \(t + 1) rect from \(Double(t + 1) - 0.5),\(Double(t) - 0.5) to \(Double(t + 1) + 0.5),\(Double(t) + 0.5) front fillstyle empty border rgb 'red' lw 0.6"
            }.joined(separator: "\n  ")
            body += GnuplotFigure.heatmap(Self.dataFiles[index], title: "μ = \(TheoryRow.format(mu))", rows: rows - 1,
                                          columns: shape[1], xLabel: "key t'", yLabel: index == 0 ? "query t" : "", extra: marks) + "\n"
            lineBody += (index == 0 ? "" : ", ") + "'fig6-last-rows.dat' using 1:\(2 * index + 2) with points pt 7 ps 1.3 lc \(index + 1) title 'μ = \(TheoryRow.format(mu))', '' using 1:\(2 * index + 3) with lines dt 2 lw 1.5 lc \(index + 1) notitle"
        }
        // Bottom row: the last predicting row (t = T−2) per μ, trained (points) against the population closed form (dashes).
        let columns = lastRows[0].count
        figure.dataFiles.append((Self.dataFiles[4], GnuplotFigure.columnData([(0..<columns).map(Double.init)] + lastRows,
                                                                             header: "key t' | per μ: trained P[T−2, t'], population closed form")))
        body += """
          set size ratio 0
          set origin 0,0
          set size 1,0.5
          set title "last row P[T−2, ·]: trained (points) and population closed form (dashed)"
          set autoscale
          set xrange [0:\(columns - 1)]
          set xlabel "key position t'"
          set key top left
          set tics scale 1
          plot \(lineBody)
          unset multiplot
        """
        figure.body = body
        try figure.render(in: context)
    }
}
