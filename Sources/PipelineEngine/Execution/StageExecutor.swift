import Foundation

/// Runs one stage job to completion somewhere and reports its committed manifest. The local executor starts a
/// process on this machine; a cluster executor would submit the same job file to a scheduler.
public protocol StageExecutor: Sendable {
    /// Blocks until the stage has finished. Progress and log lines are passed to `onUpdate` as they arrive.
    func execute(_ job: StageJob, jobFile: String, logFile: String,
                 onUpdate: @escaping @Sendable (ProgressUpdate) -> Void) -> Result<Manifest, PipelineError>
}

/// Runs each stage as `icar exec-stage --job FILE` in its own process, so a crashing stage cannot take the
/// scheduler down and a killed one leaves only its work directory behind.
public struct LocalProcessExecutor: StageExecutor {
    public let executable: String
    /// OpenBLAS threads per stage process, set whatever the caller's environment says.
    ///
    /// A note on why it is fixed: OpenBLAS splits sums differently for different thread counts, so the same key would
    /// give different bytes on machines with other core counts; `icar run` pins it to 1 and gets its parallelism
    /// from `--jobs` and the models' own worker threads, whose results do not depend on their number.
    public let blasThreads: Int

    public init(executable: String, blasThreads: Int) {
        self.executable = executable
        self.blasThreads = blasThreads
    }

    public func execute(_ job: StageJob, jobFile: String, logFile: String,
                        onUpdate: @escaping @Sendable (ProgressUpdate) -> Void) -> Result<Manifest, PipelineError> {
        do {
            try job.write(to: jobFile)
        } catch let error as PipelineError {
            return .failure(error)
        } catch {
            return .failure(PipelineError("cannot write job file \(jobFile): \(error)"))
        }
        defer { unlink(jobFile) }
        FileManager.default.createFile(atPath: logFile, contents: nil)
        guard let log = FileHandle(forWritingAtPath: logFile) else {
            return .failure(PipelineError("cannot write log file \(logFile)"))
        }
        defer { try? log.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["exec-stage", "--job", jobFile]
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = String(blasThreads)
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return .failure(PipelineError("cannot start \(executable): \(error.localizedDescription)"))
        }
        var output = StageOutputLines()
        let reader = pipe.fileHandleForReading
        while true {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            log.write(chunk)
            output.consume(chunk, onUpdate: onUpdate)
        }
        process.waitUntilExit()
        if process.terminationReason == .uncaughtSignal {
            return .failure(PipelineError("stage \(job.stage) was killed by signal \(process.terminationStatus); "
                + "nothing was stored (log: \(logFile))"))
        }
        guard process.terminationStatus == 0 else {
            return .failure(PipelineError("stage \(job.stage) failed: \(output.failureDetail)\n    (full log: \(logFile))"))
        }
        guard let manifest = Store(root: job.storeRoot).manifest(job.key) else {
            return .failure(PipelineError("stage \(job.stage) exited without committing its entry (log: \(logFile))"))
        }
        return .success(manifest)
    }

    /// The line a failing stage process prints last, carrying its one-line error message.
    public static let errorPrefix = "@icar-error "
}
