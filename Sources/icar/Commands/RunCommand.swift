import ArgumentParser
import Foundation
import PipelineEngine

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Bring stages up to date: run what is stale, skip what is cached.",
        discussion: """
        Without STAGE, every stage of the pipeline. With STAGE names, those stages and everything they need. \
        Each stage runs in its own process; its outputs enter the store only once it has finished and they are \
        hashed, so an interrupted run leaves nothing half-written. A second run on the same store stops at once \
        (or waits, with --wait). When it ends it rewrites figures/store-status.js (each stage cached or stale), from \
        which the published report shows a banner while part of the store is stale.

        Examples:
          icar run                           # everything, paper settings
          icar run --profile quick --jobs 2  # small sizes, two stages at once
          icar run --dry-run                 # what would run, and why
          # re-run one stage although it is cached (and, with --downstream,
          # everything that uses it):
          icar run fig3-rotations-train --force
          icar run fig3-rotations-train --force --downstream
          # a one-off value for one run; exit 5 if a checked claim fails:
          icar run fig6-verify --set fig6-train.learning_rate=0.02 --strict
          # a slice of a family, or one cell (quote the brackets for the shell):
          #   icar run 'alpine-train[nodes=200,*]'
        """
    )

    @OptionGroup var options: PipelineOptions

    @Argument(help: "Stages to bring up to date (default: all): a stage, a family, a slice FAMILY[k=v,*] or one cell.", completion: .stageNames)
    var stages: [String] = []

    @Flag(help: "Re-run the named stages (all stages if none are named) even when cached.")
    var force = false

    @Flag(help: "Also include every stage downstream of the named ones.")
    var downstream = false

    @Option(name: .shortAndLong, help: "Independent stages to run at once (default: the number of cores).")
    var jobs: Int?

    @Flag(name: .customLong("dry-run"), help: "Only print which stages would run and why.")
    var dryRun = false

    @Flag(name: .customLong("keep-going"), help: "After a failure, keep running stages that do not depend on it.")
    var keepGoing = false

    @Flag(help: "If another run holds the store, wait for it instead of stopping.")
    var wait = false

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override one parameter for this run, validated and keyed like a value in pipeline.json (repeatable; VALUE is JSON, or a string).",
        valueName: "STAGE.PARAM=VALUE"))
    var overrides: [String] = []

    @Flag(help: "Exit with status 5 when a checked theory row of a selected stage fails.")
    var strict = false

    @Flag(help: "With --dry-run: a JSON document (schema in README).")
    var json = false

    @Option(help: ArgumentHelp("Where stages run: local (processes on this machine) or slurm (one sbatch job per stage; the store must be on a filesystem the nodes share).", valueName: "local|slurm"))
    var executor: ExecutorChoice = .local

    @Option(help: "Slurm partition (with --executor slurm).")
    var partition: String?

    @Option(help: "Slurm account (with --executor slurm).")
    var account: String?

    @Option(help: "Slurm quality of service (with --executor slurm).")
    var qos: String?

    @Option(name: .customLong("poll-seconds"), help: "With --executor slurm: seconds between two looks at the queue.")
    var pollSeconds: Double = 2

    enum ExecutorChoice: String, ExpressibleByArgument, CaseIterable { case local, slurm }

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if json && !dryRun { throw ValidationError("--json goes with --dry-run") }
        if executor == .local, partition != nil || account != nil || qos != nil {
            throw ValidationError("--partition, --account and --qos go with --executor slurm")
        }
        if pollSeconds < 0.2 { throw ValidationError("--poll-seconds must be at least 0.2 (the controller is shared)") }
    }

    func run() throws {
        try reportingErrors {
            let start = Date()
            let pipeline = try options.load(overrides: try overrides.map(ParameterOverride.init(parsing:)))
            var runOptions = RunOptions()
            runOptions.targets = stages
            runOptions.force = force
            runOptions.downstream = downstream
            runOptions.keepGoing = keepGoing
            let cores = ProcessInfo.processInfo.activeProcessorCount
            runOptions.jobs = jobs ?? cores
            let store = Store(root: pipeline.storeDirectory)
            if dryRun {
                try printDryRun(pipeline, store: store, runOptions)
                return
            }
            // A wrong stage name is a wrong command line: refused before data/ is created or locked.
            _ = try RunScheduler.selection(pipeline, runOptions)
            try store.createDirectories()
            let lock = try StoreLock(path: store.lockPath, wait: wait, command: "icar run")
            defer { withExtendedLifetime(lock) {} }
            let executor: any StageExecutor
            switch self.executor {
            case .local:
                store.removeAbandonedWork()
                executor = LocalProcessExecutor(executable: currentExecutable(), blasThreads: 1)
            case .slurm:
                store.removeAbandonedWork(keeping: SlurmExecutor.liveKeys(in: store))
                executor = slurmExecutor(pipeline)
            }
            let display = ProgressDisplay()
            let base = pipeline.baseDirectory
            let scheduler = RunScheduler(pipeline: pipeline, store: store, executor: executor, options: runOptions,
                                         display: display, gitCommit: { gitCommit(in: base) })
            let summary = try scheduler.run()
            // What the published page shows as stale comes from here; a run's results never depend on it.
            do { try StoreStatusScript.write(pipeline, store: store) } catch {
                display.event("icar: warning: \(pipeline.figuresDirectory)/\(StoreStatusScript.fileName) not updated: \(error)")
            }
            let seconds = Date().timeIntervalSince(start)
            var line = "icar: \(summary.ran.count) run, \(summary.cached.count) cached"
            if !summary.failed.isEmpty { line += ", \(summary.failed.count) failed" }
            if !summary.skipped.isEmpty { line += ", \(summary.skipped.count) not started" }
            if !summary.published.isEmpty { line += ", \(summary.published.count) figure files updated" }
            line += String(format: " in %.2f s (profile %@)", seconds, pipeline.profile)
            display.event(line)
            if !summary.failed.isEmpty {
                let names = summary.failed.keys.sorted().joined(separator: ", ")
                throw PipelineError("failed: \(names); see \(store.logsDirectory)/STAGE.log")
            }
            if strict { try checkTheory(pipeline, store: store, runOptions) }
        }
    }

    /// Each stage's request comes from its kind's estimates; Ctrl-C (or SIGTERM) cancels the jobs this run waits for.
    private func slurmExecutor(_ pipeline: Pipeline) -> SlurmExecutor {
        var settings = SlurmSettings(partition: partition, account: account, qos: qos)
        settings.pollInterval = pollSeconds
        let requests = Dictionary(uniqueKeysWithValues: pipeline.stages.map { stage in
            var request = SlurmResources.estimated(seconds: stage.kind.estimatedSeconds(stage.parameters),
                                                   peakBytes: stage.kind.estimatedPeakBytes(stage.parameters))
            request.cpus = stage.resources["cpus"] ?? request.cpus
            request.memoryMegabytes = stage.resources["memory_mb"] ?? request.memoryMegabytes
            request.minutes = stage.resources["time_minutes"] ?? request.minutes
            return (stage.name, request)
        })
        let executor = SlurmExecutor(executable: currentExecutable(), settings: settings) { requests[$0]! }
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                let cancelled = executor.cancelAll()
                let list = cancelled.isEmpty ? "no job was running" : "cancelled Slurm job(s) \(cancelled.joined(separator: ", "))"
                FileHandle.standardError.write(Data("\nicar: interrupted; \(list); nothing of theirs was stored\n".utf8))
                Foundation.exit(130)
            }
            source.resume()
            Self.signalSources.append(source)
        }
        return executor
    }

    nonisolated(unsafe) private static var signalSources: [any DispatchSourceSignal] = []

    private func printDryRun(_ pipeline: Pipeline, store: Store, _ runOptions: RunOptions) throws {
        let (selected, forced) = try RunScheduler.selection(pipeline, runOptions)
        let statuses = StagePlanner(pipeline: pipeline, store: store).statuses(forced: forced)
        if json {
            printJSON(["profile": pipeline.profile, "stages": statuses.filter { selected.contains($0.stage) }.map { statusDocument($0, in: pipeline) }])
            return
        }
        for status in statuses where selected.contains(status.stage) {
            switch status.state {
            case .cached: printOut("cached     \(status.stage)")
            case .stale: printOut("would run  \(status.stage): \(status.reasons.joined(separator: "; "))")
            }
        }
    }

    /// `--strict`: every checked theory row of the selected stages' results must pass.
    private func checkTheory(_ pipeline: Pipeline, store: Store, _ runOptions: RunOptions) throws {
        let selected = try RunScheduler.selection(pipeline, runOptions).stages
        let manifests = currentManifests(pipeline, store: store)
        let failed = pipeline.stages.filter { selected.contains($0.name) }.compactMap { manifests[$0.name] }
            .flatMap { TheoryMetric.rows(of: $0, store: store) }.filter { $0.isChecked && !$0.passed }
        guard !failed.isEmpty else { return }
        for row in failed {
            FileHandle.standardError.write(Data("icar: FAILED \(row.stage): \(row.claim): measured \(row.measuredText), expected \(row.tolerance)\n".utf8))
        }
        FileHandle.standardError.write(Data("icar: --strict: \(failed.count) checked theory row(s) failed\n".utf8))
        throw ExitCode(ExitStatus.theoryFailed)
    }
}
