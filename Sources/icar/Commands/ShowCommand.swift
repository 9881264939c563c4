import ArgumentParser
import Foundation
import PipelineEngine

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a stage's manifest (parameters, inputs, output hashes, timing) and its lineage.",
        discussion: """
        The lineage follows the stage's inputs back to the stages without inputs, printing each one's key and \
        content hash: which parameters, inputs and code produced a figure.

        Example:
          icar show fig3-unitary-plot
        """
    )

    @OptionGroup var options: PipelineOptions

    @Argument(help: "The stage to show.", completion: .stageNames)
    var stage: String

    @Flag(help: "A JSON document (schema in README).")
    var json = false

    func run() throws {
        try reportingErrors {
            let pipeline = try options.load()
            guard let resolved = pipeline.stage(stage) else { throw PipelineError.invalid("no stage named '\(stage)'") }
            let store = Store(root: pipeline.storeDirectory)
            let statuses = StagePlanner(pipeline: pipeline, store: store).statuses()
            let status = statuses.first { $0.stage == stage }!
            if json {
                var document: [String: Any] = statusDocument(status)
                document["kind"] = resolved.kind.name
                document["version"] = resolved.kind.version
                document["parameters"] = jsonObject(resolved.parameters.canonicalJSON)
                if let key = status.key, let manifest = store.manifest(key) {
                    document["entry"] = store.entryDirectory(key)
                    document["manifest"] = manifestDocument(manifest)
                    document["lineage"] = lineageDocument(manifest, store: store)
                }
                printJSON(document)
                return
            }
            printOut("stage      \(stage)")
            printOut("kind       \(resolved.kind.name) (implementation version \(resolved.kind.version))")
            if let description = resolved.description { printOut("about      \(description)") }
            printOut("state      \(status.state.rawValue)\(status.reasons.isEmpty ? "" : ": " + status.reasons.joined(separator: "; "))")
            printOut("params     \(resolved.parameters.canonicalJSON)")
            guard let key = status.key, let manifest = store.manifest(key) else {
                printOut("(no stored result for the current parameters and inputs)")
                return
            }
            printOut("key        \(key)")
            printOut("entry      \(store.entryDirectory(key))")
            printOut("content    \(manifest.contentHash)")
            printOut(String(format: "ran        %@ → %@ on %@, %.2f s wall, %.2f s CPU", manifest.startedAt,
                            manifest.finishedAt, manifest.host, manifest.wallSeconds, manifest.cpuSeconds))
            printOut("code       icar \(manifest.icarVersion), commit \(manifest.gitCommit)")
            printOut("outputs")
            for (name, output) in manifest.outputs.sorted(by: { $0.key < $1.key }) {
                printOut("  \(name)  \(output.bytes) bytes  sha256 \(output.sha256)")
            }
            printOut("lineage")
            printLineage(manifest, store: store, depth: 1, slot: nil)
        }
    }

    private func printLineage(_ manifest: Manifest, store: Store, depth: Int, slot: String?) {
        let indent = String(repeating: "  ", count: depth)
        let via = slot.map { "\($0) ← " } ?? ""
        printOut("\(indent)\(via)\(manifest.stage) [\(manifest.kind) v\(manifest.version)] key \(manifest.key.prefix(12)) params \(manifest.parameters)")
        for (slot, input) in manifest.inputs.sorted(by: { $0.key < $1.key }) {
            if let upstream = store.manifest(input.key) {
                printLineage(upstream, store: store, depth: depth + 1, slot: slot)
            } else {
                printOut("\(indent)  \(slot) ← \(input.stage) key \(input.key.prefix(12)) (entry no longer stored)")
            }
        }
    }

    private func manifestDocument(_ manifest: Manifest) -> [String: Any] {
        ["contentHash": manifest.contentHash, "icarVersion": manifest.icarVersion, "gitCommit": manifest.gitCommit,
         "host": manifest.host, "startedAt": manifest.startedAt, "finishedAt": manifest.finishedAt,
         "wallSeconds": manifest.wallSeconds, "cpuSeconds": manifest.cpuSeconds,
         "outputs": manifest.outputs.mapValues { ["sha256": $0.sha256, "bytes": $0.bytes] }]
    }

    private func lineageDocument(_ manifest: Manifest, store: Store) -> [String: Any] {
        ["stage": manifest.stage, "kind": manifest.kind, "version": manifest.version, "key": manifest.key,
         "parameters": jsonObject(manifest.parameters),
         "inputs": manifest.inputs.mapValues { input -> Any in
             store.manifest(input.key).map { lineageDocument($0, store: store) }
                 ?? ["stage": input.stage, "key": input.key, "stored": false]
         }]
    }
}
