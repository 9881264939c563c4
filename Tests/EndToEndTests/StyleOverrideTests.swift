import Foundation
import Testing

/// A user's own figure style lives in styles/NAME.gp beside pipeline.json (issue #13): gnuplot runs it, its hash is
/// in the plot stage's key, icar never overwrites it, and removing it brings back the cached unstyled figure.
@Suite struct StyleOverrideTests {
    static let pipeline = """
    {"stages": {
      "orbits": {"kind": "generate-sequences", "params": {"family": "so3", "dimension": 3, "steps": 30, "count": 2, "seed": 1}},
      "orbits-plot": {"kind": "plot-orbits", "params": {"figure": "orbits"}, "inputs": {"sequences": "orbits"}}
    }}
    """

    func bytes(_ bed: Testbed, _ path: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: bed.directory + "/" + path))
    }

    @Test func aStyleFileRestylesOnlyItsFigureIsKeyedAndIsNeverOverwritten() throws {
        let bed = try Testbed(Self.pipeline)
        let first = try bed.icar("run")
        #expect(first.status == 0, "\(first.error)")
        let plainKey = bed.key(of: "orbits-plot")
        let plainPNG = try bytes(bed, "figures/orbits.png")

        let style = "set border lw 4\nset linetype 1 lc rgb '#d62728' lw 3\n"
        try FileManager.default.createDirectory(atPath: bed.directory + "/styles", withIntermediateDirectories: true)
        try Data(style.utf8).write(to: URL(fileURLWithPath: bed.directory + "/styles/orbits.gp"))
        let status = try bed.icar("status")
        #expect(status.output.contains("input 'file:styles/orbits.gp' changed"), "\(status.output)")
        let styled = try bed.icar("run")
        #expect(styled.status == 0 && styled.error.contains(" 1 run,"), "\(styled.error)")
        #expect(bed.key(of: "orbits-plot") != plainKey)
        #expect(try bytes(bed, "figures/orbits.png") != plainPNG, "the style did not change the figure")
        let script = bed.read("figures/orbits.gp") ?? ""
        #expect(script.contains("set linetype 1 lc rgb '#d62728' lw 3"), "\(script)")
        #expect(bed.read("styles/orbits.gp") == style, "icar changed the user's style file")
        #expect(try bed.icar("audit").status == 0)

        try FileManager.default.removeItem(atPath: bed.directory + "/styles/orbits.gp")
        let back = try bed.icar("run")
        #expect(back.status == 0 && back.error.contains(" 0 run,"), "the unstyled figure was not taken from the cache: \(back.error)")
        #expect(bed.key(of: "orbits-plot") == plainKey)
        #expect(try bytes(bed, "figures/orbits.png") == plainPNG)
    }
}
