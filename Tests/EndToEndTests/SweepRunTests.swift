import Foundation
import Testing

/// A family through the real binary and store: a grid of test-echo cells, a per-cell stage, and test-gather
/// aggregates (a family of their own over `scale`).
@Suite(.serialized) struct SweepRunTests {
    func pipeline(texts: String = #""x", "y""#) -> String {
        """
        {"stages": {
          "a": {"kind": "test-echo", "matrix": {"text": [\(texts)]}},
          "b": {"kind": "test-echo", "params": {"text": "B"}, "inputs": {"a": "a"}},
          "g": {"kind": "test-gather", "params": {"label": "grid"}, "inputs": {"parts": "b[*]"}, "matrix": {"scale": [1, 2]}}
        }}
        """
    }

    func text(_ bed: Testbed, _ stage: String, _ file: String) -> String? {
        bed.entryFile(stage, file).flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }
    }

    @Test func aGridRunsOnceIsCachedAfterwardsAndGrowsByItsNewCellsOnly() throws {
        let bed = try Testbed(pipeline())
        let first = try bed.icar("run", "--jobs", "2")
        #expect(first.status == 0, "\(first.error)")
        #expect(first.error.contains("6 run, 0 cached"), "\(first.error)")
        #expect(text(bed, "b[text=y]", "echo.txt") == "By")
        // The aggregate reads every cell, in grid order, with its coordinates.
        #expect(text(bed, "g[scale=2]", "gather.txt") == "grid\ntext=x 2×: BxBx\ntext=y 2×: ByBy")
        #expect(text(bed, "g[scale=1]", "gather.txt") == "grid\ntext=x 1×: Bx\ntext=y 1×: By")

        let second = try bed.icar("run")
        #expect(second.error.contains("0 run, 6 cached"), "\(second.error)")
        let status = try bed.icar("status")
        #expect(status.status == 0, "\(status.output)")
        #expect(status.output.contains("cached  a[…]"), "\(status.output)")
        #expect(status.output.contains("2 cells: 2 cached"), "\(status.output)")
        #expect(!status.output.contains("a[text=x]"), "\(status.output)")

        let keys = ["a[text=x]", "a[text=y]", "b[text=x]", "b[text=y]"].map { bed.key(of: $0) }
        try bed.write(pipeline(texts: #""x", "y", "z""#))
        let collapsed = try bed.icar("status")
        #expect(collapsed.status == 6)
        #expect(collapsed.output.contains("3 cells: 2 cached, 1 stale"), "\(collapsed.output)")
        let expanded = try bed.icar("status", "--expand")
        #expect(expanded.output.contains("stale   a[text=z]"), "\(expanded.output)")
        #expect(expanded.output.contains("cached  b[text=y]"), "\(expanded.output)")
        // a[z] and b[z] are new; both aggregates see a new input; the old cells are cached under their old keys.
        let grown = try bed.icar("run")
        #expect(grown.status == 0, "\(grown.error)")
        #expect(grown.error.contains("4 run, 4 cached"), "\(grown.error)")
        #expect(["a[text=x]", "a[text=y]", "b[text=x]", "b[text=y]"].map { bed.key(of: $0) } == keys)
        #expect(text(bed, "g[scale=1]", "gather.txt") == "grid\ntext=x 1×: Bx\ntext=y 1×: By\ntext=z 1×: Bz")
    }

    @Test func aSliceRunsItsCellsAndWhatTheyNeed() throws {
        let bed = try Testbed(pipeline())
        let slice = try bed.icar("run", "b[text=y,*]")
        #expect(slice.status == 0, "\(slice.error)")
        #expect(slice.error.contains("2 run, 0 cached"), "\(slice.error)")
        #expect(bed.key(of: "b[text=y]") != nil && bed.key(of: "a[text=y]") != nil && bed.key(of: "a[text=x]") == nil)
        let selected = try bed.icar("status", "b")
        #expect(selected.output.contains("cached  b[text=y]") && selected.output.contains("stale   b[text=x]"), "\(selected.output)")
        #expect(!selected.output.contains("  a[text=y]"), "\(selected.output)")

        // The aggregates wait for the one cell that has not run, named once for the whole slot.
        let gather = try bed.icar("status", "--expand").output.split(separator: "\n").first { $0.contains("  g[scale=1]  ") }
        #expect(gather?.contains("input 'parts[*]' waits for 1 cell of family b, which will run first") == true, "\(gather ?? "")")
        let missing = try bed.icar("run", "a[text=w,*]")
        #expect(missing.status == 2)
        #expect(missing.error.contains("'a[text=w,*]' matches no cell (family 'a' has 2 cells over text ∈ {x, y})"), "\(missing.error)")

        let show = try bed.icar("show", "b")
        #expect(show.output.contains("family     b"), "\(show.output)")
        #expect(show.output.contains("state      2 cells: 1 cached, 1 stale"), "\(show.output)")
        let cell = try bed.icar("show", "b[text=y]")
        #expect(cell.output.contains("cell       text=y of family b (2 cells)"), "\(cell.output)")
        #expect(cell.output.contains("lineage"), "\(cell.output)")
    }

    @Test func auditMetricsAndDiffTakeFamilySelectors() throws {
        let bed = try Testbed(pipeline())
        #expect(try bed.icar("run").status == 0)
        // --rerun chooses among the slice's cells only, however many are asked for.
        let rerun = try bed.icar("audit", "--rerun", "6", "b[text=y,*]", "a[*]")
        #expect(rerun.status == 0, "\(rerun.output)\(rerun.error)")
        let recomputed = rerun.output.split(separator: "\n").filter { $0.hasPrefix("identical") }.map { String($0.split(separator: " ")[2]) }
        #expect(Set(recomputed) == ["b[text=y]", "a[text=x]", "a[text=y]"], "\(rerun.output)")
        #expect(rerun.output.contains("note: only 3 current entries"), "\(rerun.output)")
        let wrongSlice = try bed.icar("audit", "--rerun", "1", "b[text=w,*]")
        #expect(wrongSlice.status == 2 && wrongSlice.error.contains("matches no cell"), "\(wrongSlice.error)")

        // metrics: a family means its cells (test-echo writes no theory table, so no rows and no complaint).
        let metrics = try bed.icar("metrics", "b", "--csv")
        #expect(metrics.status == 0 && !metrics.error.contains("no stored result"), "\(metrics.error)")
        #expect(try bed.icar("metrics", "c").error.contains("no stage named 'c'"))

        // diff: a cell in any dimension order, or a slice that leaves one cell; a whole family is refused.
        let diff = try bed.icar("diff", "b[text=x]", "b[*,text=y]")
        #expect(diff.status == 0, "\(diff.error)")
        #expect(diff.output.contains("\"x\"") && diff.output.contains("\"y\""), "\(diff.output)")
        let family = try bed.icar("diff", "b", "b[text=y]")
        #expect(family.status == 2 && family.error.contains("'b' names 2 cells"), "\(family.error)")
    }

    @Test func graphDrawsAFamilyAsOneNodeAndJSONListsEveryCell() throws {
        let bed = try Testbed(pipeline())
        let dot = try bed.icar("graph")
        #expect(dot.output.contains("\"a[…]\" -> \"b[…]\" [label=\"a\"];"), "\(dot.output)")
        #expect(dot.output.contains("\"b[…]\" -> \"g[…]\" [label=\"parts[*]\"];"), "\(dot.output)")
        #expect(dot.output.components(separatedBy: " -> ").count == 3, "\(dot.output)")
        let expanded = try bed.icar("graph", "--expand")
        #expect(expanded.output.contains("\"b[text=y]\" -> \"g[scale=2]\" [label=\"parts[text=y]\"];"), "\(expanded.output)")
        let json = try bed.icar("graph", "--json")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect((document["stages"] as? [Any])?.count == 6)
        #expect((document["edges"] as? [Any])?.count == 6)
        let status = try bed.icar("status", "--json")
        let statusDocument = try #require(try JSONSerialization.jsonObject(with: Data(status.output.utf8)) as? [String: Any])
        let stages = try #require(statusDocument["stages"] as? [[String: Any]])
        #expect(stages.count == 6)
        let cell = try #require(stages.first { $0["stage"] as? String == "g[scale=2]" })
        #expect(cell["family"] as? String == "g")
        #expect((cell["cell"] as? [String: Any])?["scale"] as? Int == 2)
    }
}
