import Foundation
import PipelineEngine
import Testing

/// `icar run --executor slurm` against the real single-node Slurm that `scripts/slurm-up` starts (`make test` runs
/// it first): the same entries as the local executor, a job killed by its time limit, Ctrl-C cancelling the jobs,
/// and a restarted driver finding its job instead of submitting it again.
@Suite(.serialized) struct SlurmExecutorTests {
    /// The echo pipeline with one CPU and little memory per job, so two jobs fit the node at once.
    static func pipeline(sleepA: Double = 0, minutesA: Int? = nil) -> String {
        let small = #""resources": {"cpus": 1, "memory_mb": 256}"#
        let limited = minutesA.map { #""resources": {"cpus": 1, "memory_mb": 256, "time_minutes": \#($0)}"# } ?? small
        return """
        {"stages": {
          "a": {"kind": "test-echo", "params": {"text": "A", "sleep_seconds": \(sleepA)}, \(limited)},
          "b": {"kind": "test-echo", "params": {"text": "B"}, \(small)},
          "c": {"kind": "test-echo", "params": {"text": "C", "publish": "c.txt"}, "inputs": {"a": "a", "b": "b"}, \(small)},
          "d": {"kind": "test-echo", "params": {"text": "D"}, "inputs": {"a": "c"}, \(small)}
        }}
        """
    }

    static let slurm = ["run", "--executor", "slurm", "--poll-seconds", "0.5"]

    static func requireCluster() throws {
        let probe = try runCommand(["sinfo", "-h", "-o", "%T"])
        let states = String(decoding: probe.output, as: UTF8.self)
        try #require(probe.status == 0 && ["idle", "mix", "alloc"].contains { states.contains($0) },
                     "no Slurm node is up (scripts/slurm-up starts one): \(states) \(String(decoding: probe.error, as: UTF8.self))")
    }

    /// The jobs Slurm still lists under this test's job names.
    static func queued(_ names: [String]) throws -> [String] {
        let listing = String(decoding: try runCommand(["squeue", "-h", "-o", "%i %j %T"]).output, as: UTF8.self)
        return listing.split(separator: "\n").map(String.init).filter { line in names.contains { line.contains(" icar-\($0) ") } }
    }

    @Test func aPipelineThroughSlurmCommitsTheEntriesTheLocalExecutorCommits() throws {
        try Self.requireCluster()
        let local = try Testbed(Self.pipeline()), cluster = try Testbed(Self.pipeline())
        #expect(try local.icar("run").status == 0)
        let run = try cluster.icar(Self.slurm)
        #expect(run.status == 0, "\(run.output)\n\(run.error)")
        #expect(run.error.contains("submitted as Slurm job"), "\(run.error)")
        #expect(cluster.entries == local.entries && cluster.entries.count == 4)
        for stage in ["a", "b", "c", "d"] {
            let here = cluster.entryFile(stage, "echo.txt").flatMap { FileManager.default.contents(atPath: $0) }
            #expect(here != nil && here == local.entryFile(stage, "echo.txt").flatMap { FileManager.default.contents(atPath: $0) })
        }
        #expect(cluster.read("figures/c.txt") == "figure: CAB")
        #expect(try cluster.icar("audit").status == 0)
        // Cached: nothing is submitted the second time.
        let again = try cluster.icar(Self.slurm)
        #expect(again.status == 0 && !again.error.contains("submitted"), "\(again.error)")
        #expect(!FileManager.default.fileExists(atPath: cluster.directory + "/data/slurm/\(cluster.key(of: "a")!).json"))
    }

    @Test func aJobKilledByItsTimeLimitLeavesNoEntryAndIsReportedWithSlurmsState() throws {
        try Self.requireCluster()
        let bed = try Testbed(Self.pipeline(sleepA: 600, minutesA: 1))
        let run = try bed.icar(Self.slurm + ["--keep-going"])
        #expect(run.status != 0)
        #expect(run.error.contains("TIMEOUT"), "\(run.error)")
        #expect(run.error.contains("submits it again"))
        #expect(bed.key(of: "a") == nil, "no record for the killed stage")
        #expect(bed.entries.count == 1, "only b is stored: \(bed.entries)")
        #expect(try Self.queued(["a"]).isEmpty)
        let audit = try bed.icar("audit")
        #expect(audit.status == 0, "\(audit.output)")
    }

    @Test func interruptingTheDriverCancelsItsJobs() throws {
        try Self.requireCluster()
        let bed = try Testbed(Self.pipeline(sleepA: 300))
        let (process, output, error) = try bed.start(Self.slurm)
        var running = false
        for _ in 0..<120 where !running {
            Thread.sleep(forTimeInterval: 0.5)
            running = try Self.queued(["a"]).contains { $0.hasSuffix("RUNNING") }
        }
        #expect(running, "stage a never ran in Slurm")
        kill(process.processIdentifier, SIGINT)
        let outcome = bed.finish(process, output, error)
        #expect(outcome.status == 130, "\(outcome.error)")
        #expect(outcome.error.contains("cancelled Slurm job"), "\(outcome.error)")
        var gone = false
        for _ in 0..<60 where !gone {
            gone = try Self.queued(["a"]).isEmpty
            if !gone { Thread.sleep(forTimeInterval: 0.5) }
        }
        #expect(gone, "stage a's job still queued after the interrupt")
        #expect(bed.key(of: "a") == nil)
        let rerun = try bed.icar("run", "--dry-run")
        #expect(rerun.output.contains("would run  a"), "\(rerun.output)")
    }

    @Test func aRestartedDriverAttachesToTheJobItsPredecessorSubmitted() throws {
        try Self.requireCluster()
        let bed = try Testbed(Self.pipeline(sleepA: 6))
        let (process, output, error) = try bed.start(Self.slurm)
        var submission: String?
        for _ in 0..<120 where submission == nil {
            Thread.sleep(forTimeInterval: 0.25)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: bed.directory + "/data/slurm")) ?? []
            if let record = names.first(where: { $0.hasSuffix(".json") && !$0.hasSuffix(".job.json") }),
               let data = FileManager.default.contents(atPath: bed.directory + "/data/slurm/" + record),
               let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
               object["stage"] as? String == "a" {
                submission = object["jobID"] as? String
            }
        }
        let id = try #require(submission, "stage a was never submitted")
        kill(process.processIdentifier, SIGKILL)
        _ = bed.finish(process, output, error)
        #expect(try Self.queued(["a"]).contains { $0.hasPrefix(id + " ") }, "the job outlives its driver")

        let second = try bed.icar(Self.slurm)
        #expect(second.status == 0, "\(second.output)\n\(second.error)")
        #expect(second.error.contains("attached to Slurm job \(id)"), "\(second.error)")
        #expect(bed.entries.count == 4)
        #expect(bed.entryFile("d", "echo.txt").flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } == "DCAB")
        #expect(try bed.icar("audit").status == 0)
    }
}
