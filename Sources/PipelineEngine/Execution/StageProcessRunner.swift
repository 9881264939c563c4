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
        guard case let .object(members) = try JSONParser.parse(job.parameters) else {
            throw PipelineError("job parameters are not a JSON object")
        }
        let parameters = StageParameters(Dictionary(uniqueKeysWithValues: members.map { ($0.key, $0.value) }))
        let store = Store(root: job.storeRoot)
        let work = try store.makeWorkDirectory(key: job.key)
        let started = Date()
        let startedClock = DispatchTime.now()
        let context = StageContext(stageName: job.stage, kindName: job.kind, kindVersion: job.version, key: job.key,
                                   parameters: parameters, inputs: job.inputs, outputDirectory: work,
                                   progress: { emit($0.line) })
        do {
            try kind.run(context)
        } catch {
            try? FileManager.default.removeItem(atPath: work)
            throw error
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
            try? FileManager.default.removeItem(atPath: work)
            throw error
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
