import Foundation

/// What Slurm says of one job: its state (PENDING, RUNNING, COMPLETED, TIMEOUT, …), the reason it gives, and its
/// name (job ids restart at 1 when a cluster's state is wiped, so a recorded id is trusted only with its name).
public struct SlurmJobState: Equatable, Sendable {
    public var state: String
    public var reason: String
    public var name: String = ""

    /// States after which the job will not run again by itself.
    public var isFinal: Bool {
        !["UNREACHABLE", "PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED",
          "RESIZING", "SIGNALING", "STAGE_OUT", "STOPPED", "RESV_DEL_HOLD"].contains(state)
    }
}

/// The Slurm client programs, run directly (never through a shell: stage names and paths are arguments, not code),
/// and the parsing of their output.
public enum SlurmCommands {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `arguments` (the program first, found on PATH); returns standard output, or throws with standard error.
    @discardableResult
    public static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw Failure(description: "cannot start \(arguments[0]): \(error.localizedDescription)")
        }
        // Read both pipes before waiting, so a chatty program cannot block on a full pipe.
        let errorText = ErrorText()
        let done = DispatchSemaphore(value: 0)
        Thread { errorText.data = errors.fileHandleForReading.readDataToEndOfFile(); done.signal() }.start()
        let outputText = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        done.wait()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errorText.data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if process.terminationStatus == 127 {
                throw Failure(description: "\(arguments[0]) is not installed (Slurm's client programs are needed for --executor slurm)")
            }
            throw Failure(description: "\(arguments[0]) exited with status \(process.terminationStatus)"
                + (message.isEmpty ? "" : ": \(message)"))
        }
        return String(decoding: outputText, as: UTF8.self)
    }

    private final class ErrorText: @unchecked Sendable { var data = Data() }

    /// `sbatch --parsable` prints "JOBID" or "JOBID;CLUSTER".
    public static func parseSubmission(_ output: String) -> String? {
        let first = output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init)
        guard let id = first, !id.isEmpty, id.allSatisfy(\.isNumber) else { return nil }
        return id
    }

    /// `squeue -h -t all -o '%i|%T|%r|%j'` lines → job id → state (the name last: it may hold '|').
    public static func parseQueue(_ output: String) -> [String: SlurmJobState] {
        var states: [String: SlurmJobState] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard fields.count >= 4, !fields[0].isEmpty else { continue }
            states[fields[0]] = SlurmJobState(state: fields[1], reason: fields[2],
                                              name: fields[3...].joined(separator: "|"))
        }
        return states
    }

    /// `scontrol show job -o ID`: one line of KEY=VALUE fields; the state and reason of the job.
    public static func parseJobRecord(_ output: String) -> SlurmJobState? {
        var fields: [String: String] = [:]
        for token in output.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            guard let equals = token.firstIndex(of: "=") else { continue }
            fields[String(token[..<equals])] = String(token[token.index(after: equals)...])
        }
        guard let state = fields["JobState"] else { return nil }
        return SlurmJobState(state: state, reason: fields["Reason"] ?? "None", name: fields["JobName"] ?? "")
    }
}

/// The states of the jobs one driver is waiting for, refreshed by one `squeue` call for all of them at most every
/// `interval` seconds however many stages wait, so a large grid does not flood the controller.
final class SlurmQueue: @unchecked Sendable {
    let interval: Double
    private let lock = NSCondition()
    private var watched: Set<String> = []
    private var states: [String: SlurmJobState] = [:]
    private var refreshedAt = Date.distantPast
    private var refreshing = false
    private var unreachable: String?

    init(interval: Double) { self.interval = interval }

    func watch(_ id: String) { lock.lock(); watched.insert(id); lock.unlock() }
    func unwatch(_ id: String) { lock.lock(); watched.remove(id); states[id] = nil; lock.unlock() }
    var watchedJobs: [String] { lock.lock(); defer { lock.unlock() }; return watched.sorted() }

    /// The job's state, from one `squeue -t all` for every watched job (it lists finished jobs for MinJobAge), else
    /// from scontrol; nil when Slurm no longer knows the job. While the controller cannot be reached the last state
    /// seen is kept (or UNREACHABLE, which is not final): a restarting controller must not fail the stages.
    func state(of id: String) throws -> SlurmJobState? {
        lock.lock()
        if Date().timeIntervalSince(refreshedAt) >= interval && !refreshing {
            refreshing = true
            let ids = watched.union([id]).sorted()
            lock.unlock()
            let listed = Result { try SlurmCommands.run(["squeue", "-h", "-t", "all", "-o", "%i|%T|%r|%j",
                                                         "-j", ids.joined(separator: ",")]) }
            lock.lock()
            refreshing = false
            refreshedAt = Date()
            switch listed {
            case let .success(text):
                states = SlurmCommands.parseQueue(text)
                unreachable = nil
            case let .failure(error):
                let message = String(describing: error)
                // squeue refuses a list in which no job is known any more; then none is listed.
                if message.contains("Invalid job id") { states = [:]; unreachable = nil } else { unreachable = message }
            }
            lock.broadcast()
        }
        while refreshing { lock.wait() }
        let listed = states[id], problem = unreachable
        lock.unlock()
        if let listed { return listed }
        if let problem { return SlurmJobState(state: "UNREACHABLE", reason: problem) }
        guard let record = try? SlurmCommands.run(["scontrol", "show", "job", "-o", id]) else { return nil }
        return SlurmCommands.parseJobRecord(record)
    }
}
