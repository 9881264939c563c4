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
    /// What the paper (or its reference code) states for this claim, in words ("−1/2 (Prop. 3)", "0 (exact)"); empty
    /// when the paper gives no number. Shown beside the regenerated value in the report.
    public var paper: String = ""

    /// A row without a pass/fail criterion carries this tolerance; it is counted apart from the checked rows.
    public static let reportedTolerance = "reported"

    /// Whether the row has a pass/fail criterion (rows that are only reported do not).
    public var isChecked: Bool { tolerance != Self.reportedTolerance }

    public init(claim: String, measured: Double, tolerance: String, passed: Bool, note: String = "", paper: String = "") {
        self.claim = claim; self.measured = measured; self.tolerance = tolerance; self.passed = passed; self.note = note
        self.paper = paper
    }

    /// A row that passes when |measured − target| ≤ tolerance; the paper's value is the target unless given.
    public static func near(_ claim: String, _ measured: Double, target: Double, within tolerance: Double, note: String = "",
                            paper: String? = nil) -> TheoryRow {
        TheoryRow(claim: claim, measured: measured, tolerance: "\(format(target)) ± \(format(tolerance))",
                  passed: abs(measured - target) <= tolerance, note: note, paper: paper ?? format(target))
    }

    /// A row that passes when measured ≤ bound.
    public static func below(_ claim: String, _ measured: Double, _ bound: Double, note: String = "", paper: String = "") -> TheoryRow {
        TheoryRow(claim: claim, measured: measured, tolerance: "≤ \(format(bound))", passed: measured <= bound, note: note, paper: paper)
    }

    /// A measured quantity reported for the record, with no pass/fail criterion.
    public static func report(_ claim: String, _ measured: Double, note: String = "", paper: String = "") -> TheoryRow {
        TheoryRow(claim: claim, measured: measured, tolerance: reportedTolerance, passed: true, note: note, paper: paper)
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

    /// "12 checked rows: all pass; 3 reported" — checked and reported rows counted apart.
    public var summary: String { Self.summary(checked: rows.filter(\.isChecked).count, failed: failures.count,
                                              reported: rows.filter { !$0.isChecked }.count) }

    public static func summary(checked: Int, failed: Int, reported: Int) -> String {
        let verdict = checked == 0 ? "no checked rows" : (failed == 0 ? "\(checked) checked \(checked == 1 ? "row" : "rows"): all pass"
            : "\(checked) checked rows: \(failed) FAIL")
        return verdict + (reported == 0 ? "" : "; \(reported) reported (no criterion)")
    }

    /// The files a verify stage publishes for `figure`: FIGURE-theory.md and FIGURE-theory.json.
    public static func publishedFiles(figure: String) -> [String] { [figure + "-theory.md", figure + "-theory.json"] }

    public var markdown: String {
        var text = "# \(title)\n\n"
        text += summary.replacingOccurrences(of: "FAIL", with: "**FAIL**") + "\n\n"
        text += "| claim | paper | regenerated | tolerance | result | note |\n|---|---|---|---|---|---|\n"
        for row in rows {
            let cells = [row.claim, row.paper.isEmpty ? "—" : row.paper, TheoryRow.format(row.measured), row.tolerance,
                         row.isChecked ? (row.passed ? "pass" : "FAIL") : "reported", row.note]
            text += "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
        }
        if !notes.isEmpty { text += "\n" + notes.joined(separator: "\n\n") + "\n" }
        return text
    }

    /// The datasets of theory.h5, which every kind that writes a theory table declares among its own.
    public static let datasets = [
        DatasetDeclaration("theory.h5", "measured", ["row": "rows"],
                           "the regenerated value of each claim, in the order of the root attribute 'rows' (a JSON list of claim, paper value, tolerance, note)"),
        DatasetDeclaration("theory.h5", "passed", ["row": "rows"],
                           "1 where the claim held within its tolerance, else 0 (a row whose tolerance is 'reported' has no criterion)"),
    ]

    /// Writes theory.h5, FIGURE-theory.md and FIGURE-theory.json into the stage's output directory and warns on the
    /// terminal for every failed row.
    public func write(_ context: StageContext, figure: String) throws {
        let name = figure + "-theory"
        let file = try context.createHDF5("theory.h5", declared: Self.datasets)
        try file.write("measured", rows.map(\.measured), shape: [rows.count], nonFinite: .allowed)
        try file.write("passed", rows.map { Int64($0.passed ? 1 : 0) }, shape: [rows.count])
        try file.setAttribute("title", title)
        let claims = rows.map { ["claim": $0.claim, "tolerance": $0.tolerance, "note": $0.note, "paper": $0.paper] }
        let claimsJSON = String(decoding: try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]), as: UTF8.self)
        try file.setAttribute("rows", claimsJSON)
        try file.close()
        try Data(markdown.utf8).write(to: URL(fileURLWithPath: context.outputFile(name + ".md")))
        let json: [String: Any] = [
            "title": title,
            "rows": rows.map { ["claim": $0.claim, "measured": $0.measured.isFinite ? $0.measured as Any : TheoryRow.format($0.measured),
                                "tolerance": $0.tolerance, "passed": $0.passed, "note": $0.note, "paper": $0.paper] },
            "notes": notes,
        ]
        try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
            .write(to: URL(fileURLWithPath: context.outputFile(name + ".json")))
        for row in failures {
            context.warn("\(title): FAILED — \(row.claim): measured \(TheoryRow.format(row.measured)), expected \(row.tolerance)")
        }
    }
}
