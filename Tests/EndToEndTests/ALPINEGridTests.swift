import Foundation
import Testing

/// ALPINE Figure 3 through a real family: a 2 × 2 grid of tiny trainings, evaluated per cell and gathered by
/// alpine-plot-grid, whose data file must place each cell's own accuracy at its layers and heads.
@Suite struct ALPINEGridTests {
    static let pipeline = """
    {"stages": {
      "g": {"kind": "alpine-graph", "params": {"edge_probability": 0.3, "seed": 5}, "matrix": {"nodes": [12]}},
      "p": {"kind": "alpine-paths", "params": {"paths_per_pair": 3, "seed": 1}, "inputs": {"graph": "g"}},
      "t": {"kind": "alpine-train", "params": {"steps": 12, "batch_size": 16, "width": 8, "checkpoints": 2, "seed": 3},
            "matrix": {"layers": [1, 2], "heads": [1, 2]}, "inputs": {"paths": "p"}},
      "e": {"kind": "alpine-evaluate", "params": {"prompts": 20, "rounds": 2, "seed": 7},
            "inputs": {"graph": "g", "paths": "p", "trained": "t"}},
      "grid": {"kind": "alpine-plot-grid", "inputs": {"evaluations": "e[*]"}}
    }}
    """

    @Test func theGridPlacesEveryCellsAccuracyAtItsLayersAndHeads() throws {
        let bed = try Testbed(Self.pipeline)
        let run = try bed.icar("run", "--jobs", "2")
        #expect(run.status == 0, "\(run.error)")
        let data = try #require(bed.read("figures/alpine-fig3-grid.dat"))
        let rows = data.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { $0.split(separator: " ").map { Double($0)! } }
        #expect(rows.map { [$0[0], $0[1], $0[2]] } == [[12, 1, 1], [12, 1, 2], [12, 2, 1], [12, 2, 2]])
        for row in rows {
            let cell = "e[nodes=12,layers=\(Int(row[1])),heads=\(Int(row[2]))]"
            let file = try #require(bed.entryFile(cell, "evaluation.h5"), "no entry for \(cell)")
            // Debian's interpreter, which has python3-h5py (scripts/bootstrap); a python3 first on PATH (pyenv) may not.
            let read = try runCommand(["/usr/bin/python3", "-c", "import h5py,sys; f=h5py.File(sys.argv[1]); print(repr(float(f.attrs['accuracy'])), int(f.attrs['layers']), int(f.attrs['heads']))", file])
            let fields = String(decoding: read.output, as: UTF8.self).split(separator: " ").map { Double($0.trimmingCharacters(in: .whitespacesAndNewlines))! }
            #expect(fields == [row[3], row[1], row[2]], "\(cell): \(fields) against \(row)")
        }
        for figure in ["alpine-fig3.png", "alpine-fig3.pdf", "alpine-fig3-degrees.png", "alpine-fig3-degrees.pdf"] {
            #expect((try? FileManager.default.attributesOfItem(atPath: bed.directory + "/figures/" + figure)[.size] as? Int) ?? 0 > 1000, "\(figure)")
        }
        // The theory table: each cell's accuracy as the data file has it, and the spread over heads recomputed here.
        let theory = try #require(bed.read("figures/alpine-fig3-theory.json"))
        let table = try #require(try JSONSerialization.jsonObject(with: Data(theory.utf8)) as? [String: Any])
        let measured = Dictionary(uniqueKeysWithValues: (table["rows"] as? [[String: Any]] ?? []).map {
            ($0["claim"] as? String ?? "", $0["measured"] as? Double ?? .nan)
        })
        func accuracy(_ layers: Int, _ heads: Int) -> Double { rows.first { $0[1] == Double(layers) && $0[2] == Double(heads) }![3] }
        for row in rows {
            let (l, h) = (Int(row[1]), Int(row[2]))
            let claim = "sampled accuracy, n = 12, \(l) layer\(l == 1 ? "" : "s"), \(h) head\(h == 1 ? "" : "s")"
            #expect(measured[claim] == row[3], "\(claim): \(measured[claim] ?? .nan) against \(row[3])")
        }
        for l in [1, 2] {
            let claim = "spread of accuracy over 2 head counts, n = 12, \(l) layer\(l == 1 ? "" : "s")"
            #expect(measured[claim] == abs(accuracy(l, 1) - accuracy(l, 2)), "\(claim)")
        }
        #expect(measured["accuracy gain from 1 to 2 layers, n = 12, 1 head"] == accuracy(2, 1) - accuracy(1, 1))
        #expect(!measured.keys.contains { $0.hasPrefix("accuracy drop from n") }, "one graph size: no n trend row")
        let again = try bed.icar("run")
        #expect(again.error.contains("0 run"), "\(again.error)")
    }
}
