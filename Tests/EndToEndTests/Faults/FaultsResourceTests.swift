import Foundation
import PipelineEngine
import Testing

/// Class 4 of issue #11: a full disk and a read-only store, on a small tmpfs mounted for the scenario (root only;
/// elsewhere each scenario prints why it was skipped).
@Suite(.serialized) struct FaultsResourceTests {
    @Test func aFullDiskSaysNoSpaceLeftOnDeviceWithThePathAndCommitsNothing() throws {
        guard let mount = ScratchMount(megabytes: 1) else { return }
        // pipeline.json lives on the ordinary disk; only the store is on the 1 MiB tmpfs. a (150 kB) and b (a twice)
        // fit; c (b twice, 600 kB) fills the disk while it writes.
        let text = String(repeating: "x", count: 150_000)
        let bed = try Testbed(#"{"store": "\#(mount.path)/data", "stages": {"a": {"kind": "test-echo", "params": {"text": "\#(text)"}}, "b": {"kind": "test-echo", "inputs": {"a": "a", "b": "a"}}, "c": {"kind": "test-echo", "inputs": {"a": "b", "b": "b"}}}}"#)
        let outcome = try bed.icar("run")
        #expect(outcome.status == 1)
        #expect(outcome.error.contains("stage c failed: no space left on device: \(mount.path)/data/tmp/"), "\(outcome.error.suffix(600))")
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: mount.path + "/data/entries")) ?? []
        #expect(entries.count == 2, "only a and b are stored: \(entries)")
        let work = ((try? FileManager.default.contentsOfDirectory(atPath: mount.path + "/data/tmp")) ?? []).filter { !$0.hasPrefix("job-") }
        #expect(work.isEmpty, "half-written work left behind: \(work)")
    }

    @Test func aReadOnlyStoreIsToldApartFromDamage() throws {
        guard let mount = ScratchMount(megabytes: 4) else { return }
        let bed = try Testbed(echoPipeline().replacingOccurrences(of: #"{"stages""#, with: #"{"store": "\#(mount.path)/data", "stages""#))
        #expect(try bed.icar("run").status == 0)
        #expect(mount.remount(readOnly: true))

        let run = try bed.icar("run")
        #expect(run.status == 4, "\(run.error)")
        #expect(run.error.contains("read-only file system; the store is not writable here (nothing in it was changed)"), "\(run.error)")
        let audit = try bed.icar("audit")
        #expect(audit.status == 0, "a read-only store can still be audited: \(audit.error)")
        #expect(audit.output.contains("all intact"))
        #expect(try bed.icar("status").status == 0)

        // Damage on the same read-only store: audit says so with its own status, run still says read-only.
        #expect(mount.remount(readOnly: false))
        let store = Store(root: mount.path + "/data")
        let key = try #require(store.record(for: "a")?.key)
        try "Z".write(toFile: store.entryDirectory(key) + "/echo.txt", atomically: false, encoding: .utf8)
        #expect(mount.remount(readOnly: true))
        let damaged = try bed.icar("audit")
        #expect(damaged.status == 1)
        #expect(damaged.output.contains("CORRUPT"), "\(damaged.output)")
        #expect(try bed.icar("run").status == 4)
        #expect(mount.remount(readOnly: false))
    }

    @Test func everyLineOfAFailingStagesMessageReachesTheTerminal() throws {
        // What an external program prints when it fails (gnuplot's or pip's own error) is part of the stage's error
        // message; every line of it must reach the terminal, not only the first with the rest in a log.
        let bed = try Testbed(#"{"stages": {"a": {"kind": "test-echo", "params": {"fail": true, "fail_message": "gnuplot failed (exit 1):\n\"plot.gp\" line 3: undefined variable: nosuch\nlast line"}}}}"#)
        let outcome = try bed.icar("run")
        #expect(outcome.status == 1)
        for line in ["stage a failed: gnuplot failed (exit 1):", "\"plot.gp\" line 3: undefined variable: nosuch", "last line"] {
            #expect(outcome.error.contains(line), "\(outcome.error)")
        }
        #expect(bed.entries.isEmpty)
    }
}
