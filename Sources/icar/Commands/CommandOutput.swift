import ArgumentParser
import Foundation
import PipelineEngine

/// Exit statuses beyond 0–3 (README, "Exit status"): what `--strict` and `icar status` report.
enum ExitStatus {
    /// `icar status`: at least one stage is stale.
    static let stale: Int32 = 6
    /// `icar run --strict`: a checked theory row failed.
    static let theoryFailed: Int32 = 5
}

/// Prints a JSON document (sorted keys, one per command) for `--json`; the schemas are in README, "Machine-readable output".
func printJSON(_ document: Any) {
    let data = (try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("null".utf8)
    printOut(String(decoding: data, as: UTF8.self))
}

/// A canonical-JSON text (a manifest's parameters) as a JSON object for `--json` output.
func jsonObject(_ text: String) -> Any {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) ?? text
}

/// A stage's status for `--json`; a cell of a family also names its family and its coordinates.
func statusDocument(_ status: StageStatus, in pipeline: Pipeline? = nil) -> [String: Any] {
    var document: [String: Any] = ["stage": status.stage, "state": status.state.rawValue,
                                   "key": status.key as Any? ?? NSNull(), "reasons": status.reasons]
    document.merge(FamilyDisplay.cellMembers(pipeline?.stage(status.stage))) { $1 }
    return document
}

/// Completes stage names from the pipeline file named on the command line (or ./pipeline.json).
extension CompletionKind {
    static var stageNames: CompletionKind {
        .custom { words, _, _ in
            let path = words.firstIndex(of: "--pipeline").flatMap { words.indices.contains($0 + 1) ? words[$0 + 1] : nil } ?? "pipeline.json"
            guard let data = FileManager.default.contents(atPath: path),
                  let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let stages = document["stages"] as? [String: Any] else { return [] }
            return stages.keys.sorted()
        }
    }
}
