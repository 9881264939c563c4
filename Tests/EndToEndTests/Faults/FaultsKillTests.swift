import Foundation
import PipelineEngine
import Testing

/// Kills at seeded random moments: of the scheduler (SIGKILL, SIGTERM, SIGINT) or of a stage process. Whatever
/// the moment, the store holds only whole entries, no stage keeps running, and the next run finishes the job.
@Suite struct FaultsKillTests {
    static let pipeline = echoPipeline(aText: "A", sleepA: 0.4, sleepB: 0.6)

    @Test(arguments: [UInt64(101), 102, 103, 104, 105, 106, 107, 108])
    func aKillAtARandomMomentLeavesOnlyWholeEntries(seed: UInt64) throws {
        var random = FaultRandom(seed: seed)
        let bed = try Testbed(Self.pipeline)
        let signal = [SIGKILL, SIGTERM, SIGINT][random.below(3)]
        let killStage = random.below(4) == 0
        let delay = 0.1 + 1.2 * random.unit()
        let (process, output, error) = try bed.start(["run", "--jobs", "2"])
        Thread.sleep(forTimeInterval: delay)
        var victim = process.processIdentifier
        if killStage {
            let stages = bed.leftovers.filter { $0.hasPrefix("scratch-") }.compactMap { Int32($0.split(separator: ".").last ?? "") }
            victim = stages.first ?? victim
        }
        kill(victim, signal)
        let outcome = bed.finish(process, output, error)
        let context = "seed \(seed): signal \(signal) to \(killStage ? "a stage" : "the scheduler") after \(delay) s; \(outcome.error)"
        #expect(outcome.status != 0 || bed.entries.count == 4, "\(context)")

        // No stage outlives the kill, and every entry that exists is whole.
        Thread.sleep(forTimeInterval: 0.3)
        for name in bed.leftovers {
            if let pid = Int32(name.split(separator: ".").last ?? "") { #expect(!Store.isRunning(pid), "stage \(pid) still runs: \(context)") }
        }
        let audit = try bed.icar("audit")
        #expect(audit.status == 0, "\(context)\n\(audit.output)")
        #expect(!audit.output.contains("CORRUPT"))

        let rerun = try bed.icar("run")
        #expect(rerun.status == 0, "\(context)\n\(rerun.error)")
        #expect(bed.leftovers.isEmpty, "the next run cleans data/tmp: \(bed.leftovers)")
        #expect(bed.read("figures/c.txt") == "figure: CAB")
        #expect(bed.entryFile("d", "echo.txt").flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } == "DCAB")
    }
}
