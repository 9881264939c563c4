import Foundation
import Testing

@Suite(.serialized) struct CommandTests {
    @Test func showPrintsManifestAndLineage() throws {
        let bed = try Testbed(echoPipeline())
        try bed.icar("run")
        let show = try bed.icar("show", "d")
        #expect(show.status == 0)
        for expected in ["kind       test-echo (implementation version 1)", "key        \(bed.key(of: "d")!)",
                         "echo.txt  4 bytes", "lineage", "a ← c [test-echo v1]", "a ← a [test-echo v1]", "b ← b [test-echo v1]"] {
            #expect(show.output.contains(expected), "missing \(expected) in \(show.output)")
        }
    }

    @Test func graphPrintsDotAndMermaidWithStates() throws {
        let bed = try Testbed(echoPipeline())
        try bed.icar("run", "a")
        let dot = try bed.icar("graph")
        #expect(dot.output.contains("\"a\" -> \"c\" [label=\"a\"]"), "\(dot.output)")
        #expect(dot.output.contains("test-echo\\ncached"), "\(dot.output)")
        #expect(dot.output.contains("test-echo\\nstale"), "\(dot.output)")
        let mermaid = try bed.icar("graph", "--format", "mermaid")
        #expect(mermaid.output.hasPrefix("flowchart LR"))
        #expect(mermaid.output.contains("s2 -- b --> s2") == false)
        #expect(mermaid.output.contains("s1 -- b --> s2"), "\(mermaid.output)")
    }

    @Test func gcRemovesOnlyUnreachableEntries() throws {
        let bed = try Testbed(echoPipeline())
        try bed.icar("run")
        try bed.write(echoPipeline(aText: "A2"))
        try bed.icar("run")
        #expect(bed.entries.count == 7)
        let dry = try bed.icar("gc", "--dry-run")
        #expect(dry.output.contains("would remove 3 entries"), "\(dry.output)")
        #expect(bed.entries.count == 7)
        let gc = try bed.icar("gc")
        #expect(gc.status == 0)
        #expect(bed.entries.count == 4)
        #expect(try bed.icar("run").error.contains("0 run, 4 cached"))
    }

    @Test func helpTeachesWithExamples() throws {
        let bed = try Testbed(echoPipeline())
        for command in ["run", "status", "audit", "show", "graph", "gc"] {
            let help = try bed.icar(command, "--help")
            #expect(help.status == 0)
            #expect(help.output.contains("icar \(command)") || help.output.contains("Example"), "\(command): \(help.output)")
        }
    }

    @Test func gcKeepsADownstreamEntryWhileItsUpstreamIsDamaged() throws {
        let bed = try Testbed(echoPipeline())
        try bed.icar("run")
        try "X".write(toFile: bed.entryFile("a", "echo.txt")!, atomically: false, encoding: .utf8)
        let gc = try bed.icar("gc", "--dry-run")
        #expect(gc.output.contains("would remove 0 entries"), "\(gc.output)")
        let rerun = try bed.icar("run")
        #expect(rerun.error.contains("1 run, 3 cached"), "\(rerun.error)")
    }

    @Test func aWrongCommandLineExitsWithTwo() throws {
        let bed = try Testbed(echoPipeline())
        let outcome = try bed.icar("run", "--jobs", "0")
        #expect(outcome.status == 2)
        #expect(outcome.error.contains("--jobs must be at least 1"), "\(outcome.error)")
        #expect(try bed.icar("graph", "--format", "svg").status == 2)
        #expect(try bed.icar("--help").status == 0)
    }
}
