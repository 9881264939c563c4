import ArgumentParser
import Foundation
import PipelineEngine

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Re-hash every store entry against its manifest; report corrupt, missing and orphaned entries.",
        discussion: """
        Every output file of every entry is read and hashed again (SHA-256) and compared with the manifest written \
        when the stage finished; so are the published copies in figures/. Exit status 1 when an entry is corrupt \
        or missing, or a figure differs from its entry; orphaned entries (no stage of the current pipeline uses \
        them; `icar gc` removes them) are listed but are not an error.

        With --quarantine, corrupt entries are moved to data/quarantine/ so that the next `icar run` recomputes them \
        (`icar run` also recomputes an entry whose files visibly changed).

        With --rerun N, N current entries (chosen at random with --seed among the named stages, families, slices or cells, or among all \
        stages) are also recomputed in a scratch store from their stored inputs and compared byte for byte with \
        the stored ones: identical, differs (which files; for HDF5 files which datasets and their largest absolute \
        difference) or failed. A difference or failure gives exit status 1. The real store is only read.

        Examples:
          icar audit && echo "every stored byte is the one produced"
          icar audit --rerun 3 --profile quick
          icar audit --rerun 1 fig6-train --json
          # two cells chosen among a slice of a family:
          #   icar audit --rerun 2 'alpine-grid-train[layers=1,*]'
        """
    )

    @OptionGroup var options: PipelineOptions

    @Flag(help: "Move corrupt entries to data/quarantine/ (takes the store lock).")
    var quarantine = false

    @Flag(help: "If a run holds the store, wait for it instead of stopping.")
    var wait = false

    @Option(help: ArgumentHelp("Recompute this many current entries in a scratch store and compare their bytes.", valueName: "N"))
    var rerun: Int?

    @Option(help: "Seed of the random choice of entries for --rerun.")
    var seed: UInt64 = 0

    @Argument(help: "With --rerun: the stages to choose from (default: all): stages, families, slices FAMILY[k=v,*] or cells.", completion: .stageNames)
    var stages: [String] = []

    @Flag(help: "A JSON document (schema in README).")
    var json = false

    func validate() throws {
        if let rerun, rerun < 1 { throw ValidationError("--rerun must be at least 1") }
        if rerun == nil && !stages.isEmpty { throw ValidationError("stage names go with --rerun N") }
    }

    func run() throws {
        var problems = 0
        try reportingErrors {
            let pipeline = try options.load()
            let chosen = Set(try StageSelection.stages(stages, in: pipeline))
            let store = Store(root: pipeline.storeDirectory)
            // A run renames entries into place and replaces forced ones: audit reads a store at rest.
            var lock: StoreLock?
            if quarantine { try store.createDirectories() }
            if FileManager.default.fileExists(atPath: store.root) {
                lock = try StoreLock(path: store.lockPath, wait: wait, command: "icar audit", shared: !quarantine,
                                     hint: "audit when it has finished, or pass --wait")
            }
            defer { withExtendedLifetime(lock) {} }
            var findings: [[String: Any]] = []
            func report(_ finding: [String: Any], _ line: String) {
                findings.append(finding)
                if !json { printOut(line) }
            }
            let statuses = StagePlanner(pipeline: pipeline, store: store).statuses()
            let current = try reachableKeys(options, pipeline, store: store)
            var checked = 0
            var bytes = 0
            for key in store.entryKeys {
                checked += 1
                bytes += store.manifest(key)?.outputs.values.reduce(0) { $0 + $1.bytes } ?? 0
                let stage = store.manifest(key)?.stage ?? "?"
                switch store.condition(of: key, thorough: true) {
                case .intact:
                    if current[key] == nil {
                        report(["finding": "orphaned", "key": key, "stage": stage], "orphaned  \(key.prefix(12))  \(stage)  (icar gc removes it)")
                    }
                case let .damaged(problem):
                    problems += 1
                    report(["finding": "corrupt", "key": key, "stage": stage, "problem": problem], "CORRUPT   \(key.prefix(12))  \(stage): \(problem)")
                    if quarantine {
                        try store.quarantine(key)
                        if !json { printOut("          moved to \(store.quarantineDirectory)/; icar run recomputes it") }
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
                    report(["finding": "missing", "key": record.key, "stage": stage.name],
                           "MISSING   \(record.key.prefix(12))  \(stage.name): its last result is gone from the store")
                }
                if let manifest = store.manifest(record.key), status?.key == record.key {
                    for file in stage.publishedFiles {
                        let path = pipeline.figuresDirectory + "/" + file
                        guard let expected = manifest.outputs[file]?.sha256 else { continue }
                        if (try? FileDigest.sha256(ofFile: path)) != expected {
                            problems += 1
                            report(["finding": "figure", "key": record.key, "stage": stage.name, "path": path],
                                   "FIGURE    \(path) differs from stage \(stage.name)'s output (icar run restores it)")
                        }
                    }
                }
            }
            var reruns: [[String: Any]] = []
            if let rerun {
                let base = pipeline.baseDirectory
                let rerunner = EntryRerun(pipeline: pipeline, store: store, gitCommit: gitCommit(in: base))
                let pool = statuses.filter { $0.state == .cached && (stages.isEmpty || chosen.contains($0.stage)) }
                for status in seededChoice(pool, count: rerun, seed: seed) {
                    let key = status.key!
                    var document: [String: Any] = ["stage": status.stage, "key": key]
                    switch rerunner.rerun(stage: status.stage, key: key, statuses: statuses) {
                    case let .identical(files):
                        document["verdict"] = "identical"
                        if !json { printOut("identical  \(key.prefix(12))  \(status.stage)  (\(files) files, byte for byte)") }
                    case let .differs(files):
                        problems += 1
                        document["verdict"] = "differs"
                        document["differences"] = files
                        if !json { printOut("DIFFERS    \(key.prefix(12))  \(status.stage)\n" + files.map { "           " + $0 }.joined(separator: "\n")) }
                    case let .failed(message):
                        problems += 1
                        document["verdict"] = "failed"
                        document["error"] = message
                        if !json { printOut("FAILED     \(key.prefix(12))  \(status.stage): \(message)") }
                    }
                    reruns.append(document)
                }
                if !json, pool.count < rerun { printOut("note: only \(pool.count) current entries to recompute (stale stages have none)") }
            }
            let abandoned = ((try? FileManager.default.contentsOfDirectory(atPath: store.temporaryDirectory)) ?? []).count
            if json {
                printJSON(["entries": checked, "bytes": bytes, "problems": problems, "findings": findings, "reruns": reruns])
                return
            }
            if abandoned > 0 { printOut("note: \(abandoned) work file(s) in \(store.temporaryDirectory) (a run in progress, or an interrupted one; the next run removes them)") }
            printOut("audited \(checked) entries, \(String(format: "%.1f", Double(bytes) / 1e6)) MB"
                + (rerun == nil ? "" : ", recomputed \(reruns.count)") + ": "
                + (problems == 0 ? "all intact" : "\(problems) problem(s)"))
        }
        if problems > 0 { throw ExitCode(1) }
    }
}
