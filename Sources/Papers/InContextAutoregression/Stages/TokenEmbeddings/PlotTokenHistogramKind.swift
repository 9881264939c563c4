import Foundation
import HDF5
import PipelineEngine
import StageSupport

/// Stage kind `plot-token-histogram` (Figure 4): histograms of log10 MSE of the inexact regenerations, real token
/// sequences and shuffled tokens overlaid on common bins, with the fraction of exact regenerations in the key.
struct PlotTokenHistogramKind: FigureKind {
    let name = "plot-token-histogram"
    let version = 5
    let summary = "Figure 4: histogram of log10 regeneration MSE, real vs shuffled token sequences (gnuplot)"
    let parameters: [ParameterSpec] = [
        ParameterSpec("figure", .fileName, default: .string("fig4"), help: "base name of the figure files"),
    ]
    let inputs = [InputSlot("autoregression", help: "a token-autoregression stage")]

    static func dataFile(_ figure: String) -> String { figure + "-histogram.dat" }

    func publishedFiles(_ parameters: StageParameters) -> [String] {
        let figure = parameters.string("figure")
        return GnuplotFigure.files(figure, data: [Self.dataFile(figure)])
    }

    func run(_ context: StageContext) throws {
        let file = try context.openHDF5("autoregression", "autoregression.h5")
        let edges = try file.readDoubles("histogram/edges").values
        let (counts, shape) = try file.readInts("histogram/counts")
        guard shape.count == 2, shape[0] == 2, shape[1] == edges.count - 1 else {
            throw PipelineError("autoregression.h5: histogram/counts has shape \(shape), expected [2, \(edges.count - 1)]")
        }
        let bins = shape[1]
        let threshold = try file.doubleAttribute("threshold")
        let length = try file.intAttribute("sequence_length")
        let sequences = try file.intAttribute("sequences")
        let exactReal = try file.doubleAttribute("fraction_exact", on: "real/errors")
        let exactShuffled = try file.doubleAttribute("fraction_exact", on: "shuffled/errors")

        let figure = context.parameters.string("figure")
        let data = Self.dataFile(figure)
        let centres = (0..<bins).map { (edges[$0] + edges[$0 + 1]) / 2 }
        let real = (0..<bins).map { Double(counts[$0]) }
        let shuffled = (0..<bins).map { Double(counts[bins + $0]) }
        let width = (edges[bins] - edges[0]) / Double(bins)
        let largest = max(real.max() ?? 0, shuffled.max() ?? 0)
        let exponent = log10(threshold)
        let thresholdText = exponent == exponent.rounded() ? "10^{\(Int(exponent))}" : TheoryRow.format(threshold)
        let percent = { (fraction: Double) in String(format: "%.1f%%", 100 * fraction) }
        var plot = GnuplotFigure(name: figure, body: """
              set title "Figure 4: regenerating \(sequences) sequences of \(length) unit-norm token embeddings by a least-squares linear map\\nexact (MSE ≤ \(thresholdText)): real \(percent(exactReal)), shuffled \(percent(exactShuffled)); histogram of the others"
              set xlabel "log_{10} MSE"
              set ylabel "number of sequences"
              set boxwidth \(width) absolute
              set style fill transparent solid 0.45 border -1
              set yrange [0:\(largest > 0 ? (1.3 * largest).rounded(.up) : 1)]
              set key top left Left reverse
              set grid ytics
              plot '\(data)' using 1:2 with boxes lc rgb '#1f77b4' title "real text (exact: \(percent(exactReal)))", \\
                   '' using 1:3 with boxes lc rgb '#ff7f0e' title "tokens shuffled across sequences (exact: \(percent(exactShuffled)))"
            """)
        plot.dataFiles = [(data, GnuplotFigure.columnData([centres, real, shuffled],
                                                          header: "bin centre log10(MSE) | count real | count shuffled (bins of width \(width), MSE > \(threshold) only)"))]
        try plot.render(in: context)
    }
}
