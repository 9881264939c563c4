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

        A family (or a slice of one, FAMILY[k=v,*]) is shown as the list of its cells with their states and keys; \
        name one cell to see its manifest.

        Examples:
          icar show fig3-unitary-plot
          # the cells of a family or of a slice of one:
          #   icar show 'alpine-train[nodes=200,*]'
        """
    )

    @OptionGroup var options: PipelineOptions

    @Argument(help: "The stage to show (or a family, or a slice of one).", completion: .stageNames)
    var stage: String

    @Flag(help: "A JSON document (schema in README).")
    var json = false

    func run() throws {
        try reportingErrors {
            let pipeline = try options.load()
            let store = Store(root: pipeline.storeDirectory)
            // A selector may name one cell in other words (`x[b=2,a=1.0]`); that cell is shown as a stage.
            let selected = try StageSelection.stages(stage, in: pipeline)
            guard selected.count == 1, pipeline.cells(of: stage).isEmpty else {
                showCells(selected, pipeline: pipeline, store: store)
                return
            }
            let stage = selected[0], resolved = pipeline.stage(selected[0])!
            let statuses = StagePlanner(pipeline: pipeline, store: store).statuses()
            let status = statuses.first { $0.stage == stage }!
            if json {
                var document: [String: Any] = statusDocument(status, in: pipeline)
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
            if let family = resolved.family {
                printOut("cell       \(resolved.cell.map(\.text).joined(separator: ", ")) of family \(family) "
                    + "(\(pipeline.cells(of: family).count) cells)")
            }
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

    /// The cells a family name or slice selects: state, key and coordinates of each.
    private func showCells(_ names: [String], pipeline: Pipeline, store: Store) {
        let selected = Set(names)
        let statuses = StagePlanner(pipeline: pipeline, store: store).statuses().filter { selected.contains($0.stage) }
        let family = pipeline.stage(names[0])?.family ?? stage
        let cells = pipeline.cells(of: family)
        if json {
            printJSON(["family": family, "kind": cells[0].kind.name, "dimensions": cells[0].cell.map(\.name),
                       "cells": statuses.map { status -> [String: Any] in
                           var document = statusDocument(status, in: pipeline)
                           document["parameters"] = jsonObject(pipeline.stage(status.stage)!.parameters.canonicalJSON)
                           return document
                       }])
            return
        }
        printOut("family     \(family)")
        printOut("kind       \(cells[0].kind.name) (implementation version \(cells[0].kind.version))")
        if let description = cells[0].description { printOut("about      \(description)") }
        printOut("grid       \(StageSelection.describe(family, cells))")
        printOut("state      " + FamilyDisplay.counts(statuses.map(\.state)) + (names.count < cells.count ? " (of the \(names.count) selected)" : ""))
        printOut("cells")
        let width = statuses.map(\.stage.count).max() ?? 0
        for status in statuses {
            let key = status.key.map { String($0.prefix(12)) } ?? "?"
            printOut("  \(status.state.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0))  "
                + "\(status.stage.padding(toLength: width, withPad: " ", startingAt: 0))  \(key)")
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
