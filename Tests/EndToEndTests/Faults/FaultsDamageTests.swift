import Foundation
import Testing

/// Class 1 of issue #11: bytes that rot in the store while keeping their size and modification time. The stage that
/// would read them, or the publisher that would copy them, re-hashes them at that moment and refuses; the repair the
/// message prints is then carried out, and must repair.
@Suite(.serialized) struct FaultsDamageTests {
    static let pipeline = echoPipeline(aText: "the quick brown fox jumps over the lazy dog")
    static let goodC = "Cthe quick brown fox jumps over the lazy dogB"
    static let repair = "Repair: `icar audit --quarantine`, then `icar run`"

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6])
    func aFlippedBitInAnInputIsFoundWhenAForcedStageReadsIt(seed: UInt64) throws {
        var random = FaultRandom(seed: seed)
        let bed = try Testbed(Self.pipeline)
        #expect(try bed.icar("run").status == 0)
        let keyOfC = try #require(bed.key(of: "c"))
        try flipBitKeepingModificationTime(try #require(bed.entryFile("a", "echo.txt")), random: &random)
        // status trusts sizes and modification times, and says so.
        let status = try bed.icar("status")
        #expect(try bed.statusLine("a").hasPrefix("cached"))
        #expect(status.output.contains("`icar audit` re-hashes"), "\(status.output)")

        let forced = try bed.icar("run", "c", "--force")
        #expect(forced.status == 1)
        #expect(forced.error.contains("input 'a' (stage a, entry"), "\(forced.error)")
        #expect(forced.error.contains("output echo.txt does not match its SHA-256; nothing was computed from it"), "\(forced.error)")
        #expect(forced.error.contains(Self.repair), "\(forced.error)")
        // c keeps the entry computed from the good bytes; nothing new was committed.
        #expect(bed.key(of: "c") == keyOfC)
        #expect(bed.read("data/entries/\(keyOfC)/echo.txt") == Self.goodC)
        #expect(bed.leftovers.isEmpty, "\(bed.leftovers)")

        // The repair the message names.
        let audit = try bed.icar("audit", "--quarantine")
        #expect(audit.status == 1)
        #expect(audit.output.contains("CORRUPT"), "\(audit.output)")
        let rerun = try bed.icar("run")
        #expect(rerun.status == 0, "\(rerun.error)")
        #expect(rerun.error.contains("1 run, 3 cached"), "\(rerun.error)")
        let after = try bed.icar("audit")
        #expect(after.status == 0, "\(after.output)")
        #expect(after.output.contains("all intact"))
        #expect(bed.read("data/entries/\(keyOfC)/echo.txt") == Self.goodC)
        #expect(try bed.icar("run", "c", "--force").status == 0, "the forced run now reads good bytes")
    }

    @Test(arguments: [UInt64(11), 12, 13])
    func aRottenStoredFigureIsNotPublished(seed: UInt64) throws {
        var random = FaultRandom(seed: seed)
        let bed = try Testbed(Self.pipeline)
        #expect(try bed.icar("run").status == 0)
        let figure = bed.directory + "/figures/c.txt"
        #expect(bed.read("figures/c.txt") == "figure: " + Self.goodC)
        try flipBitKeepingModificationTime(try #require(bed.entryFile("c", "c.txt")), random: &random)
        try FileManager.default.removeItem(atPath: figure)

        let run = try bed.icar("run")
        #expect(run.status == 1)
        #expect(run.error.contains("stage c: stored c.txt does not match its SHA-256, so it was not published"), "\(run.error)")
        #expect(run.error.contains(Self.repair), "\(run.error)")
        #expect(!FileManager.default.fileExists(atPath: figure), "rotten bytes were published")

        #expect(try bed.icar("audit", "--quarantine").status == 1)
        let rerun = try bed.icar("run")
        #expect(rerun.status == 0, "\(rerun.error)")
        #expect(bed.read("figures/c.txt") == "figure: " + Self.goodC)
        #expect(try bed.icar("audit").status == 0)
    }

    @Test func aFlippedPublishedFigureIsReportedByAuditAndRestoredByRun() throws {
        var random = FaultRandom(seed: 21)
        let bed = try Testbed(Self.pipeline)
        #expect(try bed.icar("run").status == 0)
        try flipBitKeepingModificationTime(bed.directory + "/figures/c.txt", random: &random)
        let audit = try bed.icar("audit")
        #expect(audit.status == 1)
        #expect(audit.output.contains("differs from stage c's output (icar run restores it)"), "\(audit.output)")
        let run = try bed.icar("run")
        #expect(run.status == 0)
        #expect(run.error.contains("1 figure files updated"), "\(run.error)")
        #expect(bed.read("figures/c.txt") == "figure: " + Self.goodC)
        #expect(try bed.icar("audit").status == 0)
    }
}
