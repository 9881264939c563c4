import ArgumentParser
import Foundation
import PipelineEngine

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Re-hash every store entry against its manifest; report corrupt, missing and orphaned entries.",
        discussion: """
        Every output file of every entry is read and hashed again (SHA-256) and compared with the manifest written
        when the stage finished; so are the published copies in figures/. Exit status 1 when an entry is corrupt
        or missing, or a figure differs from its entry; orphaned entries (no stage of the current pipeline uses
        them; `icar gc` removes them) are listed but are not an error.

        With --quarantine, corrupt entries are moved to data/quarantine/ so that the next `icar run` recomputes them
        (`icar run` also recomputes an entry whose files visibly changed).

        Example:
          icar audit && echo "every stored byte is the one produced"
        """
    )

    @OptionGroup var options: PipelineOptions

    @Flag(help: "Move corrupt entries to data/quarantine/ (takes the store lock).")
    var quarantine = false

    @Flag(help: "If a run holds the store, wait for it instead of stopping.")
    var wait = false

    func run() throws {
        try reportingErrors {
            let pipeline = try options.load()
            let store = Store(root: pipeline.storeDirectory)
            // A run renames entries into place and replaces forced ones: audit reads a store at rest.
            var lock: StoreLock?
            if quarantine { try store.createDirectories() }
            if FileManager.default.fileExists(atPath: store.root) {
                lock = try StoreLock(path: store.lockPath, wait: wait, command: "icar audit", shared: !quarantine,
                                     hint: "audit when it has finished, or pass --wait")
            }
            defer { withExtendedLifetime(lock) {} }
            var problems = 0
            let statuses = StagePlanner(pipeline: pipeline, store: store).statuses()
            let current = try reachableKeys(options, pipeline, store: store)
            var checked = 0
            var bytes = 0
            for key in store.entryKeys {
                checked += 1
                bytes += store.manifest(key)?.outputs.values.reduce(0) { $0 + $1.bytes } ?? 0
                switch store.condition(of: key, thorough: true) {
                case .intact:
                    if current[key] == nil { printOut("orphaned  \(key.prefix(12))  \(store.manifest(key)?.stage ?? "?")  (icar gc removes it)") }
                case let .damaged(problem):
                    problems += 1
                    printOut("CORRUPT   \(key.prefix(12))  \(store.manifest(key)?.stage ?? "?"): \(problem)")
                    if quarantine {
                        try store.quarantine(key)
                        printOut("          moved to \(store.quarantineDirectory)/; icar run recomputes it")
                    }
                case .missing:
                    break
                }
            }
            for stage in pipeline.stages {
                guard let record = store.record(for: stage.name) else { continue }
                let status = statuses.first { $0.stage == stage.name }
                if status?.key == record.key, store.condition(of: record.key) == .missing {
                    problems += 1
                    printOut("MISSING   \(record.key.prefix(12))  \(stage.name): its last result is gone from the store")
                }
                if let manifest = store.manifest(record.key), status?.key == record.key {
                    for file in stage.publishedFiles {
                        let path = pipeline.figuresDirectory + "/" + file
                        guard let expected = manifest.outputs[file]?.sha256 else { continue }
                        if (try? FileDigest.sha256(ofFile: path)) != expected {
                            problems += 1
                            printOut("FIGURE    \(path) differs from stage \(stage.name)'s output (icar run restores it)")
                        }
                    }
                }
            }
            let abandoned = ((try? FileManager.default.contentsOfDirectory(atPath: store.temporaryDirectory)) ?? []).count
            if abandoned > 0 { printOut("note: \(abandoned) work file(s) in \(store.temporaryDirectory) (a run in progress, or an interrupted one; the next run removes them)") }
            printOut("audited \(checked) entries, \(String(format: "%.1f", Double(bytes) / 1e6)) MB: "
                + (problems == 0 ? "all intact" : "\(problems) problem(s)"))
            if problems > 0 { throw ExitCode(1) }
        }
    }
}
