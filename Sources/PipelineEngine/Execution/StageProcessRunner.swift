import Foundation

/// The body of `icar exec-stage`: runs one stage in this process and commits its store entry.
public enum StageProcessRunner {
    /// Runs the job; progress and log lines go to `emit` (standard output in a stage process).
    public static func execute(_ job: StageJob, registry: StageRegistry,
                               emit: @escaping (String) -> Void) throws -> Manifest {
        guard let kind = registry[job.kind] else { throw PipelineError("unknown stage kind \(job.kind)") }
        guard kind.version == job.version else {
            throw PipelineError("job for \(job.kind) version \(job.version), but this icar has version \(kind.version)")
        }
        guard SHA256Hasher.hex(of: job.keyText) == job.key else { throw PipelineError("job key does not match its text") }
        try checkToolchain(of: job, kind: kind)
        guard case let .object(members) = try JSONParser.parse(job.parameters) else {
            throw PipelineError("job parameters are not a JSON object")
        }
        let parameters = StageParameters(Dictionary(uniqueKeysWithValues: members.map { ($0.key, $0.value) }))
        let store = Store(root: job.storeRoot)
        try verifyInputs(of: job, in: store)
        let work = try store.makeWorkDirectory(key: job.key)
        // Scratch files of the stage and of the programs it starts go to data/tmp, never to the system's /tmp: the
        // directory ends in this process's id, so the next run removes it if the stage is killed.
        let scratch = store.temporaryDirectory + "/scratch-\(job.key.prefix(12)).\(getpid())"
        guard mkdir(scratch, 0o755) == 0 || errno == EEXIST else {
            throw PipelineError.system("create the scratch directory", scratch, errno: errno)
        }
        setenv("TMPDIR", scratch, 1)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let started = Date()
        let startedClock = DispatchTime.now()
        let context = StageContext(stageName: job.stage, kindName: job.kind, kindVersion: job.version, key: job.key,
                                   parameters: parameters, inputs: job.inputs, outputDirectory: work,
                                   progress: { emit($0.line) })
        context.projectDirectory = job.projectDirectory
        context.projectFiles = job.projectFiles
        do {
            try kind.run(context)
        } catch {
            let failure = explainingAFullDisk(error, errno: errno, work: work)
            try? FileManager.default.removeItem(atPath: work)
            throw failure
        }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - startedClock.uptimeNanoseconds) / 1e9
        let formatter = ISO8601DateFormatter()
        do {
            return try store.commit(work: work, replacing: job.replaceExisting) { outputs in
                Manifest(key: job.key, stage: job.stage, kind: job.kind, version: job.version, keyText: job.keyText,
                         parameters: job.parameters,
                         inputs: job.inputs.mapValues { .init(stage: $0.stage, key: $0.key, contentHash: $0.contentHash) },
                         outputs: outputs, contentHash: Manifest.contentHash(of: outputs), icarVersion: job.icarVersion,
                         gitCommit: job.gitCommit, host: ProcessInfo.processInfo.hostName,
                         startedAt: formatter.string(from: started), finishedAt: formatter.string(from: Date()),
                         wallSeconds: wall, cpuSeconds: processorSeconds())
            }
        } catch {
            let failure = explainingAFullDisk(error, errno: errno, work: work)
            try? FileManager.default.removeItem(atPath: work)
            throw failure
        }
    }

    /// A job keyed on one machine's toolchain and run on another (a cluster node with another OpenBLAS kernel, say)
    /// would file that machine's bytes under this key: refused before anything runs.
    static func checkToolchain(of job: StageJob, kind: any StageKind) throws {
        guard case let .object(members) = try JSONParser.parse(job.keyText) else {
            throw PipelineError("job key text is not a JSON object")
        }
        var keyed: [String: String] = [:]
        if case let .object(tools)? = members.first(where: { $0.key == "toolchain" })?.value {
            for tool in tools { if case let .string(value) = tool.value { keyed[tool.key] = value } }
        }
        let here = kind.toolchain()
        let differences = Set(keyed.keys).union(here.keys).sorted().filter { keyed[$0] != here[$0] }
        guard differences.isEmpty else {
            throw PipelineError("stage \(job.stage): this machine's " + differences.map {
                "\($0) is \(here[$0] ?? "absent") but the key was made for \(keyed[$0] ?? "none")"
            }.joined(separator: ", ") + "; run it where the key was computed, or recompute the key here")
        }
    }

    /// Libraries report a full disk in their own words ("cannot write 'x' to HDF5 file …"); when the device holding
    /// the work directory is full, the error says so, with the path, before the work directory is removed.
    static func explainingAFullDisk(_ error: Error, errno code: Int32, work: String) -> Error {
        let text = (error as? PipelineError)?.message ?? String(describing: error)
        if text.contains("no space left on device") { return error }
        var info = statvfs()
        let nearlyFull = statvfs(work, &info) == 0 && UInt64(info.f_bavail) * UInt64(info.f_frsize) < 1 << 20
        guard code == ENOSPC || code == EDQUOT || nearlyFull else { return error }
        return PipelineError("no space left on device: \(work) (\(text))")
    }

    /// Re-hashes every file of every input entry against its manifest before the stage reads any: the scheduler trusts
    /// size and modification time, and a result computed from rotten bytes would be committed under the good key.
    static func verifyInputs(of job: StageJob, in store: Store) throws {
        for (slot, input) in job.inputs.sorted(by: { $0.key < $1.key }) {
            let problem: String?
            switch store.condition(of: input.key, thorough: true) {
            case .intact:
                problem = store.manifest(input.key)?.contentHash == input.contentHash
                    ? nil : "its content hash is not the one this stage's key was made from"
            case .missing: problem = "the entry is gone from the store"
            case let .damaged(description): problem = description
            }
            if let problem {
                throw PipelineError("input '\(slot)' (stage \(input.stage), entry \(input.key.prefix(12))) is damaged: "
                    + "\(problem); nothing was computed from it. Repair: `icar audit --quarantine`, then `icar run`")
            }
        }
    }

    /// User + system CPU time of this process and the children it waited for (gnuplot, for instance).
    static func processorSeconds() -> Double {
        var total = 0.0
        for who in [RUSAGE_SELF.rawValue, RUSAGE_CHILDREN.rawValue] {
            var usage = rusage()
            getrusage(__rusage_who_t(who), &usage)
            total += Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            total += Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        }
        return total
    }
}
