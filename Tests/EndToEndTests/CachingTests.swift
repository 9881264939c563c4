import Foundation
import Testing

@Suite(.serialized) struct CachingTests {
    @Test func firstRunComputesSecondRunIsCachedAndFiguresArePublished() throws {
        let bed = try Testbed(echoPipeline())
        let first = try bed.icar("run", "--jobs", "2")
        #expect(first.status == 0, "\(first.error)")
        #expect(first.error.contains("4 run, 0 cached"), "\(first.error)")
        #expect(bed.read("figures/c.txt") == "figure: CAB")
        #expect(bed.entryFile("d", "echo.txt").flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } == "DCAB")
        let second = try bed.icar("run")
        #expect(second.status == 0)
        #expect(second.error.contains("0 run, 4 cached"), "\(second.error)")
        #expect(bed.entries.count == 4)
    }

    @Test func changingAParameterRerunsThatStageAndItsDependentsOnly() throws {
        let bed = try Testbed(echoPipeline())
        try bed.icar("run")
        try bed.write(echoPipeline(aText: "A2"))
        #expect(try bed.statusLine("a").contains("params changed: text \"A\" → \"A2\""))
        #expect(try bed.statusLine("b").hasPrefix("cached"))
        #expect(try bed.statusLine("c").contains("waits for stage a"))
        let dry = try bed.icar("run", "--dry-run")
        #expect(dry.output.contains("would run  a: params changed"), "\(dry.output)")
        #expect(dry.output.contains("cached     b"), "\(dry.output)")
        let rerun = try bed.icar("run")
        #expect(rerun.error.contains("3 run, 1 cached"), "\(rerun.error)")
        #expect(bed.read("figures/c.txt") == "figure: CA2B")
    }

    @Test func inputChangeAndVersionChangeAreReportedAsSuch() throws {
        let bed = try Testbed(echoPipeline())
        try bed.icar("run")
        try bed.write(echoPipeline(aText: "A2"))
        try bed.icar("run", "a")
        #expect(try bed.statusLine("c").contains("input 'a' changed"))

        // Rewrite c's record as if it had been produced by version 0 of its kind.
        let recordPath = bed.directory + "/data/records/d.json"
        var record = try String(contentsOfFile: recordPath, encoding: .utf8)
        record = record.replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 0")
        try record.write(toFile: recordPath, atomically: true, encoding: .utf8)
        try bed.icar("run")
        // d is cached again under its new key, so change its text to make it miss and compare with the doctored record.
        try record.write(toFile: recordPath, atomically: true, encoding: .utf8)
        try bed.write(echoPipeline(aText: "A3"))
        try bed.icar("run", "a", "b", "c")
        let line = try bed.statusLine("d")
        #expect(line.contains("implementation version changed (0 → 1)"), "\(line)")
        #expect(line.contains("input 'a' changed"), "\(line)")
    }

    @Test func neverRunAndDeletedEntriesAreExplained() throws {
        let bed = try Testbed(echoPipeline())
        #expect(try bed.statusLine("a").contains("never run"))
        try bed.icar("run")
        try FileManager.default.removeItem(atPath: bed.directory + "/data/entries/" + bed.key(of: "b")!)
        #expect(try bed.statusLine("b").contains("entry missing from the store"))
        let audit = try bed.icar("audit")
        #expect(audit.status == 1)
        #expect(audit.output.contains("MISSING"), "\(audit.output)")
        #expect(try bed.icar("run").error.contains("1 run, 3 cached"))
    }

    @Test func forceAndDownstream() throws {
        let bed = try Testbed(echoPipeline())
        try bed.icar("run")
        let forced = try bed.icar("run", "c", "--force")
        #expect(forced.error.contains("1 run, 2 cached"), "\(forced.error)")
        let downstream = try bed.icar("run", "c", "--force", "--downstream")
        #expect(downstream.error.contains("2 run, 2 cached"), "\(downstream.error)")
        let unknown = try bed.icar("run", "cc")
        #expect(unknown.status == 2)
        #expect(unknown.error.contains("no stage named 'cc' in the pipeline — did you mean 'c'?"), "\(unknown.error)")
    }

    @Test func independentStagesRunInParallel() throws {
        let bed = try Testbed(echoPipeline(sleepA: 1.5, sleepB: 1.5))
        let outcome = try bed.icar("run", "a", "b", "--jobs", "2")
        #expect(outcome.status == 0, "\(outcome.error)")
        func interval(_ stage: String) throws -> (Date, Date) {
            let data = try Data(contentsOf: URL(fileURLWithPath: bed.entryFile(stage, "manifest.json")!))
            let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
            let formatter = ISO8601DateFormatter()
            return (formatter.date(from: object["startedAt"] as! String)!, formatter.date(from: object["finishedAt"] as! String)!)
        }
        let (startA, endA) = try interval("a")
        let (startB, endB) = try interval("b")
        #expect(startA < endB && startB < endA, "a: \(startA)–\(endA), b: \(startB)–\(endB) do not overlap")
    }

    @Test func stagesWithTheSameKeyRunSideBySideAndAuditCopes() throws {
        let same = #"{"kind": "test-echo", "params": {"text": "same", "sleep_seconds": 0.5}}"#
        let bed = try Testbed(#"{"stages": {"a1": \#(same), "a2": \#(same), "a3": \#(same)}}"#)
        let run = try bed.icar("run", "--jobs", "3")
        #expect(run.status == 0, "\(run.error)")
        #expect(bed.entries.count == 1)
        #expect(Set(["a1", "a2", "a3"].compactMap(bed.key(of:))).count == 1)
        let audit = try bed.icar("audit")
        #expect(audit.status == 0, "\(audit.output)\(audit.error)")
    }

    @Test func longerStagesStartFirst() throws {
        let bed = try Testbed("""
        {"stages": {"short": {"kind": "test-echo", "params": {"text": "s", "sleep_seconds": 0.1}},
                    "long": {"kind": "test-echo", "params": {"text": "l", "sleep_seconds": 0.6}}}}
        """)
        let run = try bed.icar("run", "--jobs", "1")
        #expect(run.status == 0, "\(run.error)")
        let started = run.error.split(separator: "\n").filter { $0.hasPrefix("▶") }.map(String.init)
        #expect(started == ["▶ long: running", "▶ short: running"], "\(started)")
    }
}
