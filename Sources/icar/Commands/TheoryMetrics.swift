import Foundation
import PipelineEngine

/// One row of a theory table, read back from a store entry's FIGURE-theory.json (what verify stages write).
struct TheoryMetric {
    let stage: String
    let table: String
    let claim: String
    /// nil when the stage measured NaN or ±∞ (the file stores those as text).
    let measured: Double?
    let measuredText: String
    let tolerance: String
    let paper: String
    let passed: Bool

    /// Rows with a pass/fail criterion; the others are only reported ("reported" tolerance).
    var isChecked: Bool { tolerance != "reported" }
    var result: String { isChecked ? (passed ? "pass" : "FAIL") : "reported" }

    /// Every theory row of the entry described by `manifest`, in file order.
    static func rows(of manifest: Manifest, store: Store) -> [TheoryMetric] {
        var rows: [TheoryMetric] = []
        for name in manifest.outputs.keys.sorted() where name.hasSuffix("-theory.json") {
            let path = store.entryDirectory(manifest.key) + "/" + name
            guard let data = FileManager.default.contents(atPath: path),
                  let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let table = document["rows"] as? [[String: Any]] else { continue }
            let title = document["title"] as? String ?? String(name.dropLast(".json".count))
            for row in table {
                let number = row["measured"] as? Double
                rows.append(TheoryMetric(stage: manifest.stage, table: title, claim: row["claim"] as? String ?? "",
                                         measured: number, measuredText: number.map(format) ?? "\(row["measured"] ?? "")",
                                         tolerance: row["tolerance"] as? String ?? "", paper: row["paper"] as? String ?? "",
                                         passed: row["passed"] as? Bool ?? false))
            }
        }
        return rows
    }

    var document: [String: Any] {
        ["stage": stage, "table": table, "claim": claim, "measured": measured as Any? ?? measuredText,
         "tolerance": tolerance, "paper": paper, "passed": passed, "checked": isChecked]
    }

    /// Enough digits to tell two runs apart, without the noise of a full Double.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(format: "%.0f", value) }
        return String(format: "%.6g", value)
    }
}

/// Columns padded to their widest cell, two spaces apart.
func printTable(_ header: [String], _ rows: [[String]]) {
    let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
    for row in [header] + rows {
        let cells = row.enumerated().map { column, cell in
            column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
        }
        printOut(cells.joined(separator: "  "))
    }
}

/// The stages' current stored entries (cached stages only), keyed by stage name.
func currentManifests(_ pipeline: Pipeline, store: Store) -> [String: Manifest] {
    var manifests: [String: Manifest] = [:]
    for status in StagePlanner(pipeline: pipeline, store: store).statuses() where status.state == .cached {
        if let key = status.key, let manifest = store.manifest(key) { manifests[status.stage] = manifest }
    }
    return manifests
}
