import Foundation
import HDF5
import NumericCore
import PipelineEngine
import StageSupport

/// Stage kind `plot-augmented` (Figure 5): test loss per epoch for 1, 2 and 3 layers with the k-step GD baselines
/// as horizontal lines, and heatmaps of the 1-layer W_QᵀW_K and W_O W_V with their 5×5 blocks outlined.
struct PlotAugmentedKind: FigureKind {
    let name = "plot-augmented"
    let version = 8
    let summary = "Figure 5: loss curves against GD baselines, heatmaps of W_QᵀW_K and W_O W_V (gnuplot)"
    let parameters: [ParameterSpec] = [
        ParameterSpec("figure", .fileName, default: .string("fig5"), help: "base name of the figure files"),
    ]
    let inputs = [
        InputSlot("layer1", help: "train-augmented, 1 layer"),
        InputSlot("layer2", help: "train-augmented, 2 layers"),
        InputSlot("layer3", help: "train-augmented, 3 layers"),
        InputSlot("baselines", help: "the verify-augmented stage (its baselines.h5)"),
    ]

    static func dataFiles(_ figure: String) -> [String] { ["\(figure)-losses.dat", "\(figure)-WQt_WK.dat", "\(figure)-WO_WV.dat"] }

    func publishedFiles(_ parameters: StageParameters) -> [String] {
        let figure = parameters.string("figure")
        return GnuplotFigure.files(figure, data: Self.dataFiles(figure))
    }

    func run(_ context: StageContext) throws {
        let name = context.parameters.string("figure")
        let files = Self.dataFiles(name)
        var columns: [[Double]] = []
        for slot in ["layer1", "layer2", "layer3"] {
            let file = try context.openHDF5(slot, "trained.h5")
            columns.append(try file.readDoubles("train_loss").values)
            columns.append(try file.readDoubles("test_loss").values)
        }
        let epochs = (1...(columns.map(\.count).min() ?? 0)).map(Double.init)
        let baselineFile = try HDF5File.open(try context.inputFile("baselines", "baselines.h5"))
        let mse = try baselineFile.readDoubles("mse").values
        let names = try baselineFile.stringAttribute("names").split(separator: "|").map(String.init)
        let layer1 = try context.openHDF5("layer1", "trained.h5")
        func matrix(_ dataset: String) throws -> Matrix {
            let (values, shape) = try layer1.readDoubles(dataset)
            return Matrix(rows: shape[0], columns: shape[1], elements: values)
        }
        var figure = GnuplotFigure(name: name, body: "")
        figure.pdfSize = "8in,3.6in"
        figure.pngSize = "2000,900"
        figure.dataFiles = [
            (files[0], GnuplotFigure.columnData([epochs] + columns, header: "epoch | train, test for 1, 2, 3 layers")),
            (files[1], GnuplotFigure.matrixData(try matrix("layer0/WQt_WK"))),
            (files[2], GnuplotFigure.matrixData(try matrix("layer0/WO_WV"))),
        ]
        // Baselines with k GD steps, drawn as horizontal lines.
        let shown = [2, 5, 6, 7].filter { $0 < mse.count }
        let greys = ["#444444", "#777777", "#999999", "#bbbbbb"]
        let baselineLines = shown.enumerated().map { index, row in
            "\(mse[row]) with lines dt \(index + 2) lw 1.5 lc rgb '\(greys[index % greys.count])' title '\(names[row]): \(TheoryRow.format(mse[row]))'"
        }
        let blocks = (0..<3).flatMap { i in (0..<3).map { j in
            "set object \(i * 3 + j + 1) rect from \(Double(j * 5) - 0.5),\(Double(i * 5) - 0.5) to \(Double(j * 5 + 5) - 0.5),\(Double(i * 5 + 5) - 0.5) front fillstyle empty border rgb 'white' lw 1"
        } }.joined(separator: "\n  ")
        figure.body = """
          set multiplot title "Figure 5: augmented tokens e_t = (0, s_t, s_{t-1}), Haar W, d = 5"
          set origin 0,0
          set size 0.5,0.92
          set logscale y
          set xlabel "epoch"
          set ylabel "MSE"
          set key top right opaque
          set title "test loss (solid) and train loss (dashed, circles)"
          plot for [l=1:3] '\(files[0])' using 1:(column(2*l+1)) with lines lw 1.5 lc l title sprintf('%d layer%s', l, l > 1 ? 's' : ''), \\
               for [l=1:3] '\(files[0])' using 1:(column(2*l)) with linespoints dt 2 lw 1 pt 6 ps 0.9 pi \(max(1, epochs.count / 10)) lc l notitle\(baselineLines.isEmpty ? "" : ", \\\n       " + baselineLines.joined(separator: ", \\\n       "))
          unset logscale y
          unset xlabel; unset ylabel
          set origin 0.5,0
          set size 0.25,0.92
        \(GnuplotFigure.heatmap(files[1], title: "W_Q^T W_K (1 layer)", rows: 15, columns: 15, symmetricRange: true, xLabel: "column", yLabel: "row", extra: blocks))
          set origin 0.75,0
          set size 0.25,0.92
        \(GnuplotFigure.heatmap(files[2], title: "W_O W_V (1 layer)", rows: 15, columns: 15, symmetricRange: true, xLabel: "column", yLabel: "row", extra: blocks))
          unset multiplot
        """
        try figure.render(in: context)
    }
}
