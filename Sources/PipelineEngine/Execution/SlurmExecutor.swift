import Foundation

/// What one stage asks Slurm for.
public struct SlurmResources: Equatable, Sendable {
    public var cpus: Int
    public var memoryMegabytes: Int
    public var minutes: Int

    public init(cpus: Int, memoryMegabytes: Int, minutes: Int) {
        self.cpus = cpus
        self.memoryMegabytes = memoryMegabytes
        self.minutes = minutes
    }

    /// From a kind's own estimates: twice its estimated memory (at least 1 GB) and three times its estimated time
    /// plus five minutes, so a slow node does not kill a stage that is merely slower than this machine.
    public static func estimated(seconds: Double, peakBytes: Double, cpus: Int = 2) -> SlurmResources {
        SlurmResources(cpus: cpus, memoryMegabytes: max(1024, Int((2 * peakBytes / 1e6).rounded(.up))),
                       minutes: 5 + Int((3 * seconds / 60).rounded(.up)))
    }
}

/// Where and how jobs are submitted (`icar run --executor slurm --partition … --account … --qos …`).
public struct SlurmSettings: Sendable {
    public var partition: String?
    public var account: String?
    public var qos: String?
    /// Seconds between two looks at the queue (one squeue call for all waiting stages).
    public var pollInterval: Double = 2

    public init(partition: String? = nil, account: String? = nil, qos: String? = nil) {
        self.partition = partition
        self.account = account
        self.qos = qos
    }
}

/// One job submitted for one stage key, kept in the store (`slurm/KEY.json`) while the job lives, so that a driver
/// started after this one died finds the job instead of submitting a second.
struct SlurmSubmission: Codable, Equatable {
    let jobID: String
    let stage: String
    let submittedAt: String
}

/// Runs each stage as one Slurm job: `sbatch --parsable` of `icar exec-stage --job FILE` against the same store,
/// which must sit on a filesystem the nodes share. The job commits the entry exactly as a local stage process does;
/// this driver only watches the queue and the job's log, and commits nothing itself.
public final class SlurmExecutor: StageExecutor, @unchecked Sendable {
    public let executable: String
    public let settings: SlurmSettings
    let resources: @Sendable (String) -> SlurmResources
    let queue: SlurmQueue

    /// `resources(stage)` gives each stage's request.
    public init(executable: String, settings: SlurmSettings, resources: @escaping @Sendable (String) -> SlurmResources) {
        self.executable = executable
        self.settings = settings
        self.resources = resources
        queue = SlurmQueue(interval: settings.pollInterval)
    }

    static func directory(_ store: Store) -> String { store.root + "/slurm" }
    static func submissionFile(_ store: Store, key: String) -> String { directory(store) + "/\(key).json" }
    static func jobFile(_ store: Store, key: String) -> String { directory(store) + "/\(key).job.json" }

    /// Keys of stages whose Slurm job is still queued or running, read from the store's submissions: a new run must not
    /// sweep their work directories away (their processes live on other nodes, so their pids say nothing here).
    public static func liveKeys(in store: Store) -> Set<String> {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory(store))) ?? []
        var live: Set<String> = []
        for name in names where name.hasSuffix(".json") && !name.hasSuffix(".job.json") {
            let key = String(name.dropLast(5))
            guard let data = FileManager.default.contents(atPath: directory(store) + "/" + name),
                  let submission = try? JSONDecoder().decode(SlurmSubmission.self, from: data) else { continue }
            let queue = SlurmQueue(interval: 0)
            queue.watch(submission.jobID)
            if let state = try? queue.state(of: submission.jobID), !state.isFinal,
               state.name == jobName(submission.stage) || state.state == "UNREACHABLE" {
                live.insert(key)
            }
        }
        return live
    }

    /// Cancels every job this driver is waiting for (Ctrl-C); returns their ids.
    @discardableResult
    public func cancelAll() -> [String] {
        let ids = queue.watchedJobs
        if !ids.isEmpty { _ = try? SlurmCommands.run(["scancel"] + ids) }
        return ids
    }

    public func execute(_ job: StageJob, jobFile _: String, logFile: String,
                        onUpdate: @escaping @Sendable (ProgressUpdate) -> Void) -> Result<Manifest, PipelineError> {
        let store = Store(root: job.storeRoot)
        do {
            try FileManager.default.createDirectory(atPath: Self.directory(store), withIntermediateDirectories: true)
            let (id, attached) = try submitOrAttach(job, store: store, logFile: logFile)
            onUpdate(ProgressUpdate(step: ProgressUpdate.noticeStep, total: -1, message: attached
                ? "attached to Slurm job \(id), submitted by an earlier run" : "submitted as Slurm job \(id)"))
            let (final, output) = try wait(for: id, logFile: logFile, onUpdate: onUpdate)
            return outcome(job, store: store, id: id, final: final, output: output, logFile: logFile)
        } catch let error as PipelineError {
            return .failure(error)
        } catch {
            return .failure(PipelineError("stage \(job.stage): \(error)"))
        }
    }

    /// A live job recorded for this key is attached to; otherwise the job file is written and a new job submitted.
    func submitOrAttach(_ job: StageJob, store: Store, logFile: String) throws -> (id: String, attached: Bool) {
        let recordPath = Self.submissionFile(store, key: job.key)
        if let data = FileManager.default.contents(atPath: recordPath),
           let earlier = try? JSONDecoder().decode(SlurmSubmission.self, from: data) {
            queue.watch(earlier.jobID)
            if let state = try queue.state(of: earlier.jobID), !state.isFinal, state.name == Self.jobName(job.stage) {
                return (earlier.jobID, true)
            }
            queue.unwatch(earlier.jobID)
            unlink(recordPath)
        }
        let jobPath = Self.jobFile(store, key: job.key)
        try job.write(to: jobPath)
        let request = resources(job.stage)
        var arguments = ["sbatch", "--parsable", "--job-name", Self.jobName(job.stage), "--output", logFile,
                         "--cpus-per-task", String(request.cpus), "--mem", "\(request.memoryMegabytes)M",
                         "--time", String(request.minutes), "--export", "ALL,OPENBLAS_NUM_THREADS=1",
                         "--chdir", job.projectDirectory]
        if let partition = settings.partition { arguments += ["--partition", partition] }
        if let account = settings.account { arguments += ["--account", account] }
        if let qos = settings.qos { arguments += ["--qos", qos] }
        // The batch script only execs its arguments: the stage name and paths reach icar as arguments, never as shell text.
        arguments += [try batchScript(store), executable, "exec-stage", "--job", jobPath]
        let output: String
        do {
            output = try SlurmCommands.run(arguments)
        } catch let failure as SlurmCommands.Failure {
            throw PipelineError("stage \(job.stage): Slurm refused the job: \(failure.description)")
        }
        guard let id = SlurmCommands.parseSubmission(output) else {
            throw PipelineError("stage \(job.stage): sbatch printed no job id (\(output.prefix(200)))")
        }
        let submission = SlurmSubmission(jobID: id, stage: job.stage,
                                         submittedAt: ISO8601DateFormatter().string(from: Date()))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(try encoder.encode(submission), to: recordPath)
        queue.watch(id)
        return (id, false)
    }

    static func jobName(_ stage: String) -> String { "icar-" + stage }

    func batchScript(_ store: Store) throws -> String {
        let path = Self.directory(store) + "/exec.sh"
        let text = "#!/bin/sh\n# Written by icar: runs its arguments, unchanged, as the job.\nexec \"$@\"\n"
        if FileManager.default.contents(atPath: path) != Data(text.utf8) {
            try AtomicFile.write(Data(text.utf8), to: path)
            chmod(path, 0o755)
        }
        return path
    }

    /// Polls the job until Slurm reports a final state, passing on progress lines from its log as it grows; returns
    /// the state and what the log said (read to its end after the job left).
    func wait(for id: String, logFile: String,
              onUpdate: @escaping @Sendable (ProgressUpdate) -> Void) throws -> (SlurmJobState?, StageOutputLines) {
        var output = StageOutputLines()
        var offset: UInt64 = 0
        var lastState = ""
        func readLog() {
            guard let handle = FileHandle(forReadingAtPath: logFile) else { return }
            defer { try? handle.close() }
            try? handle.seek(toOffset: offset)
            let data = handle.readDataToEndOfFile()
            offset += UInt64(data.count)
            output.consume(data, onUpdate: onUpdate)
        }
        while true {
            let state = try queue.state(of: id)
            readLog()
            guard let state, !state.isFinal else { return (state, output) }
            if state.state != lastState && state.state != "RUNNING" {
                onUpdate(ProgressUpdate(step: ProgressUpdate.noticeStep, total: -1,
                                        message: "Slurm job \(id): \(state.state) (\(state.reason))"))
            }
            lastState = state.state
            Thread.sleep(forTimeInterval: queue.interval)
        }
    }

    func outcome(_ job: StageJob, store: Store, id: String, final: SlurmJobState?, output: StageOutputLines,
                 logFile: String) -> Result<Manifest, PipelineError> {
        queue.unwatch(id)
        unlink(Self.submissionFile(store, key: job.key))
        unlink(Self.jobFile(store, key: job.key))
        if final?.state == "COMPLETED", let manifest = store.manifest(job.key) { return .success(manifest) }
        let said = final.map { "ended \($0.state) (reason: \($0.reason))" } ?? "left Slurm's records"
        if final?.state == "FAILED" || (final == nil && output.failureMessage != nil) {
            return .failure(PipelineError("stage \(job.stage) failed in Slurm job \(id): \(output.failureDetail)\n    (full log: \(logFile))"))
        }
        if final == nil, let manifest = store.manifest(job.key) { return .success(manifest) }
        return .failure(PipelineError("stage \(job.stage): Slurm job \(id) \(said); nothing was stored, and `icar run` "
            + "submits it again (log: \(logFile))"))
    }
}
