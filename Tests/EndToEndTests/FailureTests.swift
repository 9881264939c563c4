import Foundation
import Testing

@Suite(.serialized) struct FailureTests {
    @Test func aStageThatThrowsLeavesNoEntryAndTheNextRunRecovers() throws {
        let bed = try Testbed(echoPipeline(failC: true))
        let failed = try bed.icar("run")
        #expect(failed.status == 1)
        #expect(failed.error.contains("stage c failed: test-echo was asked to fail"), "\(failed.error)")
        #expect(bed.key(of: "c") == nil)
        #expect(bed.entries.count == 2, "only a and b are stored")
        let work = try FileManager.default.contentsOfDirectory(atPath: bed.directory + "/data/tmp")
        #expect(work.isEmpty, "\(work)")
        try bed.write(echoPipeline(failC: false))
        let recovered = try bed.icar("run")
        #expect(recovered.status == 0)
        #expect(recovered.error.contains("2 run, 2 cached"), "\(recovered.error)")
    }

    /// With --keep-going, a failure two stages above a stage must not leave the run waiting for it for ever.
    @Test func keepGoingDropsEveryStageBelowAFailureAndEnds() throws {
        let bed = try Testbed("""
        {"stages": {
          "a": {"kind": "test-echo", "params": {"text": "A", "fail": true}},
          "b": {"kind": "test-echo", "params": {"text": "B"}},
          "c": {"kind": "test-echo", "params": {"text": "C"}, "inputs": {"a": "a"}},
          "d": {"kind": "test-echo", "params": {"text": "D"}, "inputs": {"a": "c"}},
          "e": {"kind": "test-echo", "params": {"text": "E"}, "inputs": {"a": "d", "b": "b"}}
        }}
        """)
        let (process, output, error) = try bed.start(["run", "--keep-going", "--jobs", "1"])
        var waited = 0.0
        while process.isRunning && waited < 60 { Thread.sleep(forTimeInterval: 0.1); waited += 0.1 }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        let outcome = bed.finish(process, output, error)
        #expect(waited < 60, "the run did not end: \(outcome.error)")
        #expect(outcome.status == 1)
        #expect(outcome.error.contains("1 run, 0 cached, 1 failed, 3 not started"), "\(outcome.error)")
        #expect(bed.entries.count == 1)
    }

    @Test func aStageKilledMidWriteLeavesNoEntryAndTheNextRunRecovers() throws {
        let bed = try Testbed(echoPipeline(aText: "a long text to write in two halves", sleepA: 30))
        let (process, output, error) = try bed.start(["run", "a"])
        // Wait until the stage process has written half of its output, then kill it (not the scheduler).
        let deadline = Date().addingTimeInterval(60)
        var stagePID: Int32?
        while stagePID == nil, Date() < deadline {
            let work = (try? FileManager.default.contentsOfDirectory(atPath: bed.directory + "/data/tmp")) ?? []
            for name in work where !name.hasPrefix("job-") {
                let half = bed.directory + "/data/tmp/\(name)/echo.txt"
                if FileManager.default.fileExists(atPath: half), let pid = Int32(name.split(separator: ".").last ?? "") {
                    stagePID = pid
                }
            }
            if stagePID == nil { Thread.sleep(forTimeInterval: 0.05) }
        }
        let pid = try #require(stagePID, "the stage never started writing")
        kill(pid, SIGKILL)
        let outcome = bed.finish(process, output, error)
        #expect(outcome.status == 1)
        #expect(outcome.error.contains("killed by signal 9"), "\(outcome.error)")
        #expect(bed.entries.isEmpty)
        #expect(bed.key(of: "a") == nil)

        try bed.write(echoPipeline(aText: "a long text to write in two halves", sleepA: 0))
        let recovered = try bed.icar("run", "a")
        #expect(recovered.status == 0, "\(recovered.error)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: bed.directory + "/data/tmp")
        #expect(leftovers.isEmpty, "abandoned work directory not removed: \(leftovers)")
    }

    @Test func corruptedOutputIsFoundByAuditAndRecomputedByRun() throws {
        let bed = try Testbed(echoPipeline())
        try bed.icar("run")
        #expect(try bed.icar("audit").status == 0)
        let path = try #require(bed.entryFile("b", "echo.txt"))
        try "X".write(toFile: path, atomically: false, encoding: .utf8)
        let audit = try bed.icar("audit")
        #expect(audit.status == 1)
        #expect(audit.output.contains("CORRUPT"), "\(audit.output)")
        #expect(audit.output.contains("output echo.txt"), "\(audit.output)")
        let status = try bed.statusLine("b")
        #expect(status.hasPrefix("stale") && status.contains("entry damaged: output echo.txt"), "\(status)")
        let rerun = try bed.icar("run")
        #expect(rerun.status == 0)
        #expect(rerun.error.contains("is damaged"), "\(rerun.error)")
        #expect(rerun.error.contains("1 run, 3 cached"), "\(rerun.error)")
        #expect(try bed.icar("audit").status == 0)
        #expect((try? String(contentsOfFile: bed.entryFile("b", "echo.txt")!, encoding: .utf8)) == "B")
    }

    @Test func aSameSizeCorruptionWithTheOldModificationTimeIsFoundByAudit() throws {
        let bed = try Testbed(echoPipeline())
        try bed.icar("run")
        let path = try #require(bed.entryFile("a", "echo.txt"))
        var info = stat()
        stat(path, &info)
        try "Z".write(toFile: path, atomically: false, encoding: .utf8)
        var times = [info.st_atim, info.st_mtim]
        utimensat(AT_FDCWD, path, &times, 0)
        let audit = try bed.icar("audit", "--quarantine")
        #expect(audit.status == 1)
        #expect(audit.output.contains("CORRUPT"), "\(audit.output)")
        let rerun = try bed.icar("run")
        #expect(rerun.error.contains("1 run, 3 cached"), "\(rerun.error)")
    }

    @Test func aSecondConcurrentRunStopsWithAClearMessageOrWaits() throws {
        let bed = try Testbed(echoPipeline(sleepA: 3))
        let (process, output, error) = try bed.start(["run", "a"])
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !(bed.read("data/lock")?.contains("icar run") ?? false) { Thread.sleep(forTimeInterval: 0.05) }
        let second = try bed.icar("run")
        #expect(second.status == 3)
        #expect(second.error.contains("is in use by icar run (pid"), "\(second.error)")
        #expect(second.error.contains("--wait"), "\(second.error)")
        let waited = try bed.icar("run", "--wait")
        #expect(waited.status == 0, "\(waited.error)")
        #expect(bed.finish(process, output, error).status == 0)
        #expect(try bed.icar("audit").status == 0)
        #expect(bed.entries.count == 4)
    }

    @Test func malformedPipelineGivesOneMessageAndExitStatusTwo() throws {
        let bed = try Testbed("{\"stages\": {\"a\": {\"kind\": \"test-echo\", \"params\": {\"text\": 5}}}}")
        let outcome = try bed.icar("run")
        #expect(outcome.status == 2)
        #expect(outcome.error == "icar: error: pipeline.json: stage 'a': parameter \"text\" must be a string, got an integer (line 1, column 51)\n", "\(outcome.error)")
        #expect(!FileManager.default.fileExists(atPath: bed.directory + "/data"), "nothing may be written")
    }
}
