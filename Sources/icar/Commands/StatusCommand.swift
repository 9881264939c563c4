import ArgumentParser
import Foundation
import PipelineEngine

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show every stage as cached or stale, and why.",
        discussion: """
        Reasons a stage is stale: never run; params changed (with old → new values); input changed; implementation \
        version changed; entry damaged; or an input that must be recomputed first. Nothing is run or written.

        For speed, status trusts an entry whose files keep the size and modification time recorded in its manifest         (it re-hashes only files whose time changed); `icar audit` re-hashes every byte, and `icar run` re-hashes         every file a stage reads or publishes at the moment it uses it.

        A family (a stage with a matrix, or fed per cell by one) is one line with the count of its cells in each \
        state; --expand, or naming stages, lists every cell.

        Exit status: 0 when every stage is cached, 6 when at least one is stale (2 for an invalid pipeline.json).

        Examples:
          icar status --profile quick
          # the cells of a slice of a family only:
          #   icar status 'alpine-train[nodes=200,*]'
        """
    )

    @OptionGroup var options: PipelineOptions

    @Argument(help: "Stages, families or slices of families (FAMILY[k=v,*]) to show (default: all).", completion: .stageNames)
    var stages: [String] = []

    @Flag(help: "List every cell of each family instead of one line per family.")
    var expand = false

    @Flag(help: "A JSON document (schema in README); it lists every cell.")
    var json = false

    func run() throws {
        var stale = 0
        try reportingErrors {
            let pipeline = try options.load()
            var statuses = StagePlanner(pipeline: pipeline, store: Store(root: pipeline.storeDirectory)).statuses()
            if !stages.isEmpty {
                let selected = Set(try StageSelection.stages(stages, in: pipeline))
                statuses = statuses.filter { selected.contains($0.stage) }
            }
            stale = statuses.filter { $0.state == .stale }.count
            if json {
                printJSON(["profile": pipeline.profile, "stages": statuses.map { statusDocument($0, in: pipeline) },
                           "families": FamilyDisplay.familyDocuments(statuses, pipeline: pipeline),
                           "cached": statuses.count - stale, "stale": stale])
                return
            }
            let rows = FamilyDisplay.rows(statuses, pipeline: pipeline, expanded: expand || !stages.isEmpty)
            let width = rows.map { row -> Int in
                switch row {
                case let .stage(status): return status.stage.count
                case let .family(name, _): return FamilyDisplay.label(name).count
                }
            }.max() ?? 0
            func pad(_ text: String, _ length: Int) -> String { text.padding(toLength: length, withPad: " ", startingAt: 0) }
            for row in rows {
                switch row {
                case let .stage(status):
                    let key = status.key.map { String($0.prefix(12)) } ?? pad("?", 12)
                    let reason = status.reasons.isEmpty ? "" : "  " + status.reasons.joined(separator: "; ")
                    printOut("\(pad(status.state.rawValue, 6))  \(pad(status.stage, width))  \(key)\(reason)")
                case let .family(name, cells):
                    let state: StageStatus.State = cells.allSatisfy { $0.state == .cached } ? .cached : .stale
                    printOut("\(pad(state.rawValue, 6))  \(pad(FamilyDisplay.label(name), width))  \(pad("", 12))  "
                        + FamilyDisplay.counts(cells.map(\.state)))
                }
            }
            let families = rows.contains { if case .family = $0 { return true } else { return false } }
            printOut("\(statuses.count - stale) cached, \(stale) stale (profile \(pipeline.profile); "
                + "cached = sizes and modification times match the manifests, `icar audit` re-hashes"
                + (families ? "; --expand lists the cells" : "") + ")")
        }
        if stale > 0 { throw ExitCode(ExitStatus.stale) }
    }
}
