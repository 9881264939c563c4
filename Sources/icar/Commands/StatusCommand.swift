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

        Exit status: 0 when every stage is cached, 6 when at least one is stale (2 for an invalid pipeline.json).

        Example:
          icar status --profile quick
        """
    )

    @OptionGroup var options: PipelineOptions

    @Flag(help: "A JSON document (schema in README).")
    var json = false

    func run() throws {
        var stale = 0
        try reportingErrors {
            let pipeline = try options.load()
            let statuses = StagePlanner(pipeline: pipeline, store: Store(root: pipeline.storeDirectory)).statuses()
            stale = statuses.filter { $0.state == .stale }.count
            if json {
                printJSON(["profile": pipeline.profile, "stages": statuses.map(statusDocument), "cached": statuses.count - stale, "stale": stale])
                return
            }
            let width = statuses.map(\.stage.count).max() ?? 0
            for status in statuses {
                let name = status.stage.padding(toLength: width, withPad: " ", startingAt: 0)
                let key = status.key.map { String($0.prefix(12)) } ?? "?".padding(toLength: 12, withPad: " ", startingAt: 0)
                let reason = status.reasons.isEmpty ? "" : "  " + status.reasons.joined(separator: "; ")
                printOut("\(status.state.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0))  \(name)  \(key)\(reason)")
            }
            printOut("\(statuses.count - stale) cached, \(stale) stale (profile \(pipeline.profile); "
                + "cached = sizes and modification times match the manifests, `icar audit` re-hashes)")
        }
        if stale > 0 { throw ExitCode(ExitStatus.stale) }
    }
}
