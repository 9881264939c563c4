import Foundation
import HDF5
import PipelineEngine

/// One claim of the paper, checked: what was measured, against which tolerance, and whether it holds.
public struct TheoryRow {
    public let claim: String
    public let measured: Double
    /// The accepted range, in words (e.g. "< 1e-6", "≈ −0.5 ± 0.01").
    public let tolerance: String
    public let passed: Bool
    public var note: String = ""

    public init(claim: String, measured: Double, tolerance: String, passed: Bool, note: String = "") {
        self.claim = claim; self.measured = measured; self.tolerance = tolerance; self.passed = passed; self.note = note
    }

    /// A row that passes when |measured − target| ≤ tolerance.
    public static func near(_ claim: String, _ measured: Double, target: Double, within tolerance: Double, note: String = "") -> TheoryRow {
        TheoryRow(claim: claim, measured: measured, tolerance: "\(format(target)) ± \(format(tolerance))",
                  passed: abs(measured - target) <= tolerance, note: note)
    }

    /// A row that passes when measured ≤ bound.
    public static func below(_ claim: String, _ measured: Double, _ bound: Double, note: String = "") -> TheoryRow {
        TheoryRow(claim: claim, measured: measured, tolerance: "≤ \(format(bound))", passed: measured <= bound, note: note)
    }

    /// A measured quantity reported for the record, with no pass/fail criterion.
    public static func report(_ claim: String, _ measured: Double, note: String = "") -> TheoryRow {
        TheoryRow(claim: claim, measured: measured, tolerance: "reported", passed: true, note: note)
    }

    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "∞" : "−∞" }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        // Counts and steps (integers below 10^15) print whole: 10000, not 1e+04.
        if value == value.rounded() && magnitude < 1e15 && magnitude >= 1 { return String(format: "%.0f", value) }
        if magnitude >= 1e-3 && magnitude < 1e5 { return String(format: "%.4g", value) }
        return String(format: "%.3e", value)
    }
}

/// The theory table of one figure: written as theory.h5 (for programs), NAME.md (for people) and NAME.json.
public struct TheoryTable {
    public let title: String
    public var rows: [TheoryRow] = []
    /// Paragraphs printed under the table (how to read it, where the reference differs).
    public var notes: [String] = []

    public init(title: String, rows: [TheoryRow] = [], notes: [String] = []) {
        self.title = title; self.rows = rows; self.notes = notes
    }

    public var failures: [TheoryRow] { rows.filter { !$0.passed } }

    /// The files a verify stage publishes for `figure`: FIGURE-theory.md and FIGURE-theory.json.
    public static func publishedFiles(figure: String) -> [String] { [figure + "-theory.md", figure + "-theory.json"] }

    public var markdown: String {
        var text = "# \(title)\n\n"
        let failed = failures.count
        text += failed == 0 ? "All \(rows.count) rows pass.\n\n" : "**\(failed) of \(rows.count) rows FAIL.**\n\n"
        text += "| claim | measured | tolerance | result | note |\n|---|---|---|---|---|\n"
        for row in rows {
            let cells = [row.claim, TheoryRow.format(row.measured), row.tolerance,
                         row.tolerance == "reported" ? "—" : (row.passed ? "pass" : "**FAIL**"), row.note]
            text += "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
        }
        if !notes.isEmpty { text += "\n" + notes.joined(separator: "\n\n") + "\n" }
        return text
    }

    /// Writes theory.h5, FIGURE-theory.md and FIGURE-theory.json into the stage's output directory and warns on the
    /// terminal for every failed row.
    public func write(_ context: StageContext, figure: String) throws {
        let name = figure + "-theory"
        let file = try context.createHDF5("theory.h5")
        try file.write("measured", rows.map(\.measured), shape: [rows.count])
        try file.write("passed", rows.map { Int64($0.passed ? 1 : 0) }, shape: [rows.count])
        try file.setAttribute("title", title)
        let claims = rows.map { ["claim": $0.claim, "tolerance": $0.tolerance, "note": $0.note] }
        let claimsJSON = String(decoding: try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]), as: UTF8.self)
        try file.setAttribute("rows", claimsJSON)
        try file.close()
        try Data(markdown.utf8).write(to: URL(fileURLWithPath: context.outputFile(name + ".md")))
        let json: [String: Any] = [
            "title": title,
            "rows": rows.map { ["claim": $0.claim, "measured": $0.measured.isFinite ? $0.measured as Any : TheoryRow.format($0.measured),
                                "tolerance": $0.tolerance, "passed": $0.passed, "note": $0.note] },
            "notes": notes,
        ]
        try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
            .write(to: URL(fileURLWithPath: context.outputFile(name + ".json")))
        for row in failures {
            context.warn("\(title): FAILED — \(row.claim): measured \(TheoryRow.format(row.measured)), expected \(row.tolerance)")
        }
    }
}
