import ArgumentParser
import Foundation
import PipelineEngine

struct GCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Remove store entries that no stage of the current pipeline reaches, under any of its profiles.",
        discussion: """
        An entry is kept when it is the current result of some stage under some profile of pipeline.json, or the \
        last recorded result of a stage; every other entry (old parameters, old code) is removed, with the \
        quarantine directory.

        Examples:
          icar gc --dry-run     # list what would be removed
          icar gc
        """
    )

    @OptionGroup var options: PipelineOptions

    @Flag(name: .customLong("dry-run"), help: "Only list what would be removed.")
    var dryRun = false

    func run() throws {
        try reportingErrors {
            let pipeline = try options.load()
            let store = Store(root: pipeline.storeDirectory)
            guard FileManager.default.fileExists(atPath: store.root) else {
                printOut("nothing to collect: no store at \(store.root)")
                return
            }
            let lock = try StoreLock(path: store.lockPath, wait: false, command: "icar gc",
                                     hint: "run icar gc again when it has finished")
            defer { withExtendedLifetime(lock) {} }
            let reachable = try reachableKeys(options, pipeline, store: store)
            var removed = 0
            var bytes = 0
            for key in store.entryKeys where reachable[key] == nil {
                let manifest = store.manifest(key)
                bytes += manifest?.outputs.values.reduce(0) { $0 + $1.bytes } ?? 0
                printOut("\(dryRun ? "would remove" : "removed")  \(key.prefix(12))  \(manifest?.stage ?? "(no manifest)")")
                if !dryRun { try store.remove(key) }
                removed += 1
            }
            if !dryRun { try? FileManager.default.removeItem(atPath: store.quarantineDirectory) }
            printOut("\(dryRun ? "would remove" : "removed") \(removed) entries, \(String(format: "%.1f", Double(bytes) / 1e6)) MB; kept \(store.entryKeys.count - (dryRun ? removed : 0))")
        }
    }
}
