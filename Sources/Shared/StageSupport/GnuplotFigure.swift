import Foundation
import NumericCore
import PipelineEngine

/// A figure drawn by the real gnuplot: the script and its data files are written next to the PDF and PNG, so a
/// reader can restyle the figure (`gnuplot NAME.gp`) without re-running anything.
public struct GnuplotFigure {
    public let name: String
    /// Gnuplot commands drawing the figure, run once for the PDF and once for the PNG.
    public var body: String
    public var dataFiles: [(name: String, contents: String)] = []
    public var pdfSize = "7in,4.5in"
    public var pngSize = "1750,1125"

    public init(name: String, body: String, dataFiles: [(name: String, contents: String)] = [],
                pdfSize: String = "7in,4.5in", pngSize: String = "1750,1125") {
        self.name = name; self.body = body; self.dataFiles = dataFiles; self.pdfSize = pdfSize; self.pngSize = pngSize
    }

    /// The files `render` writes.
    public static func files(_ name: String, data: [String]) -> [String] {
        [name + ".pdf", name + ".png", name + ".gp"] + data
    }

    /// `text` as a gnuplot double-quoted string literal: backslashes and double quotes escaped, so the text is data.
    ///
    /// A note on what else keeps it data: `text` parameters refuse newlines and backticks when `pipeline.json`
    /// loads (a newline would end gnuplot's command, a backtick starts command substitution), and this function
    /// refuses them again, so no caller can hand gnuplot a command by forgetting the parameter type.
    public static func quoted(_ text: String) throws -> String {
        if let problem = TextGrammar.problem(text) { throw PipelineError("text handed to gnuplot \(problem)") }
        var literal = "\""
        for character in text {
            switch character {
            case "\\": literal += "\\\\"
            case "\"": literal += "\\\""
            default: literal.append(character)
            }
        }
        return literal + "\""
    }

    /// A perceptually uniform palette (viridis, sampled at 8 points) shared by every heatmap.
    public static let palette = """
    set palette defined (0 '#440154', 1 '#46327e', 2 '#365c8d', 3 '#277f8e', 4 '#1fa187', 5 '#4ac16d', 6 '#a0da39', 7 '#fde725')
    """

    /// Where a user's own style for figure `name` lives, beside pipeline.json: icar reads it, never writes it.
    public static func styleFile(_ name: String) -> String { "styles/\(name).gp" }

    /// The style files of the figures among `published` (each `NAME.gp`): what a plot kind's `projectFiles` are.
    public static func styleFiles(_ published: [String]) -> [String] {
        published.filter { $0.hasSuffix(".gp") }.map { styleFile(String($0.dropLast(3))) }
    }

    /// Renders into the stage's output directory with the user's style for this figure, if there is one.
    public func render(in context: StageContext) throws {
        try render(into: context.outputDirectory, style: try context.projectFile(Self.styleFile(name)))
    }

    /// Writes the data files and the script, then runs gnuplot with the pinned font; `style` (a user's gnuplot
    /// commands) runs after icar's terminal and palette and before the figure's commands, in both formats;
    /// `environment` is what gnuplot inherits apart from the font configuration.
    public func render(into directory: String, style: Data? = nil,
                       environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        // The name is written into the script inside quotes and comments; only a plain file name is safe there.
        if let problem = FileNameGrammar.problem(name) { throw PipelineError("figure name \(problem)") }
        for file in dataFiles {
            try Data(file.contents.utf8).write(to: URL(fileURLWithPath: directory + "/" + file.name))
        }
        let script = """
        # \(name): written by icar; icar run overwrites it. To restyle for good, put gnuplot commands in
        # \(Self.styleFile(name)) beside pipeline.json (run after the terminal is set; `format` is "pdf" or "png").
        # To experiment, edit a copy and run `gnuplot COPY.gp` in this directory.
        do for [format in "pdf png"] {
          reset
          \(Self.palette)
          if (format eq "pdf") {
            set terminal pdfcairo enhanced color size \(pdfSize) font "\(PinnedFont.family),9"
            set output "\(name).pdf"
          } else {
            set terminal pngcairo enhanced color size \(pngSize) font "\(PinnedFont.family),22" linewidth 2
            set output "\(name).png"
          }
        \(Self.styleSection(name, style))\(body)
          unset output
        }
        """
        try Data(script.utf8).write(to: URL(fileURLWithPath: directory + "/\(name).gp"))
        let fonts = try PinnedFont.environment(base: environment)
        defer { try? FileManager.default.removeItem(atPath: fonts.folder) }
        let output = try ExternalProgram.run(["gnuplot", name + ".gp"], environment: fonts.environment, directory: directory)
        for file in [name + ".pdf", name + ".png"] {
            guard let size = FileDigest.status(of: directory + "/" + file)?.bytes, size > 0 else {
                throw PipelineError("gnuplot did not write \(file): \(output.suffix(600))")
            }
        }
        try Self.fixCreationDate(ofPDF: directory + "/\(name).pdf")
    }

    /// The user's style inside the script, marked as theirs; empty without one.
    ///
    /// A note on trust: this is the one place where text from the user runs as gnuplot code, because the user wrote
    /// it as gnuplot code in a file of their own project; no pipeline.json value ever reaches it.
    static func styleSection(_ name: String, _ style: Data?) -> String {
        guard let style else { return "" }
        let lines = String(decoding: style, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        return "  # --- \(styleFile(name)) (yours: icar reads it, never writes it) ---\n"
            + lines.map { "  " + $0 }.joined(separator: "\n") + "\n  # --- end of \(styleFile(name)) ---\n"
    }

    /// Replaces the PDF's creation date with a fixed one of the same length (so no byte offset moves).
    ///
    /// A note on why: cairo stamps the wall-clock time into every PDF (Debian 12's cairo ignores
    /// SOURCE_DATE_EPOCH), which would make a re-run's figure differ in bytes and re-run everything downstream.
    public static func fixCreationDate(ofPDF path: String) throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let marker = Array("/CreationDate (D:".utf8)
        guard bytes.count > marker.count + 14 else { return }
        for start in 0...(bytes.count - marker.count - 14) where bytes[start] == marker[0] {
            guard Array(bytes[start..<(start + marker.count)]) == marker else { continue }
            let digits = (start + marker.count)..<(start + marker.count + 14)
            guard bytes[digits].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { continue }
            bytes.replaceSubrange(digits, with: Array("19700101000000".utf8))
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// A matrix as gnuplot `matrix` data (one row per line); entries where `keep` is false become NaN (blank).
    public static func matrixData(_ matrix: Matrix, keep: (Int, Int) -> Bool = { _, _ in true }) -> String {
        var lines: [String] = []
        for i in 0..<matrix.rows {
            lines.append((0..<matrix.columns).map { j in keep(i, j) ? String(matrix[i, j]) : "NaN" }.joined(separator: " "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Columns of numbers as gnuplot data, one row per line.
    public static func columnData(_ columns: [[Double]], header: String) -> String {
        let rows = columns.map(\.count).min() ?? 0
        var text = "# " + header + "\n"
        for i in 0..<rows { text += columns.map { String($0[i]) }.joined(separator: " ") + "\n" }
        return text
    }

    /// A tick spacing of 1, 2 or 5 times a power of ten giving at most about five ticks over `count` cells, so
    /// multi-digit labels of a narrow heatmap do not run together.
    public static func tickStep(_ count: Int) -> Int {
        var scale = 1
        while true {
            for multiple in [1, 2, 5] where count <= 5 * multiple * scale { return multiple * scale }
            scale *= 10
        }
    }

    /// Commands for one heatmap panel of `file` (gnuplot matrix data) with a colour bar: the colour range is the
    /// data's (symmetric about 0 with `symmetricRange`) unless `colourRange` fixes it.
    public static func heatmap(_ file: String, title: String, rows: Int, columns: Int, symmetricRange: Bool = false,
                               colourRange: ClosedRange<Double>? = nil,
                               xLabel: String = "", yLabel: String = "", extra: String = "") -> String {
        let range: String
        if let colourRange {
            range = "lo = \(colourRange.lowerBound); hi = \(colourRange.upperBound)"
        } else if symmetricRange {
            range = "m = (abs(STATS_min) > abs(STATS_max) ? abs(STATS_min) : abs(STATS_max)); lo = -m; hi = m"
        } else {
            range = "lo = STATS_min; hi = STATS_max"
        }
        return """
          set autoscale
          stats '\(file)' matrix using ($3 == $3 ? $3 : 1/0) nooutput; \(range)
          if (hi > lo) { set cbrange [lo:hi] } else { set autoscale cb }
          \(colourBarTicks)
          set title "\(title)"
          set xrange [-0.5:\(Double(columns) - 0.5)]
          set yrange [\(Double(rows) - 0.5):-0.5]
          set size ratio \(Double(rows) / Double(columns))
          unset key
          set tics scale 0
          set xtics \(tickStep(columns)); set ytics \(tickStep(rows))
          \(xLabel.isEmpty ? "unset xlabel" : "set xlabel \"\(xLabel)\" offset 0,0.5"); \(yLabel.isEmpty ? "unset ylabel" : "set ylabel \"\(yLabel)\" offset 1.5,0")
          \(extra)
          plot '\(file)' matrix with image pixels
          unset object; unset arrow; unset label; set xtics autofreq; set ytics autofreq; set cbtics autofreq; unset xlabel; unset ylabel
        """
    }

    /// Gnuplot commands spacing the colour bar's labels over [lo, hi]: the finest of 1, 2 or 5 times a power of ten
    /// that gives at most five labels, because a narrow heatmap's bar is only a few label heights tall.
    static let colourBarTicks = """
    if (hi > lo) { s = 0; p = 10.0**floor(log10((hi - lo) / 5.0)); do for [i = 0:8] { c = p * 10.0**int(i / 3) * (i % 3 == 0 ? 1 : (i % 3 == 1 ? 2 : 5)); if (s == 0 && floor(hi / c) - ceil(lo / c) + 1 <= 5) { s = c } }; set cbtics s; set format cb "%g" } else { set cbtics autofreq }
    """

    /// The factor between labelled ticks of a logarithmic axis over `values` (their positive ones): a power of ten
    /// giving at most about six labels, so an axis spanning many decades does not stack its labels.
    public static func logTickFactor(_ values: [Double]) -> Double {
        let positive = values.filter { $0 > 0 && $0.isFinite }
        guard let low = positive.min(), let high = positive.max(), high > low else { return 10 }
        let decades = (log10(high) - log10(low)).rounded(.up)
        return pow(10, max(1, (decades / 5).rounded(.up)))
    }
}
