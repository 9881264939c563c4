import Foundation
import Testing

/// ALPINE Figures 11–12 through a real family: the Blocksworld graph and paths, two tiny trainings over the width,
/// each evaluated at every checkpoint and read out, gathered by alpine-plot-blocksworld, whose curves must be each
/// cell's own numbers and whose theory table must hold the graph's facts.
@Suite struct ALPINEBlocksworldTests {
    static let pipeline = """
    {"stages": {
      "g": {"kind": "alpine-blocksworld-graph", "params": {"seed": 2}},
      "p": {"kind": "alpine-blocksworld-paths", "params": {"train_lines": 1500, "seed": 1}, "inputs": {"graph": "g"}},
      "t": {"kind": "alpine-train", "params": {"steps": 12, "batch_size": 16, "checkpoints": 3, "seed": 3},
            "matrix": {"width": [8, 16]}, "inputs": {"paths": "p"}},
      "e": {"kind": "alpine-evaluate", "params": {"prompts": 10, "rounds": 1, "checkpoint_rounds": 1, "seed": 7},
            "inputs": {"graph": "g", "paths": "p", "trained": "t"}},
      "w": {"kind": "alpine-weights", "inputs": {"paths": "p", "trained": "t"}},
      "bw": {"kind": "alpine-plot-blocksworld", "inputs": {"graph": "g", "paths": "p", "evaluations": "e[*]", "weights": "w[*]"}}
    }}
    """

    @Test func theAggregateDrawsEveryWidthsCurvesAndChecksTheGraph() throws {
        let bed = try Testbed(Self.pipeline)
        let run = try bed.icar("run", "--jobs", "2")
        #expect(run.status == 0, "\(run.error)")
        // The curves file: one block per width, each row the cell's own checkpoint accuracy.
        let curves = try #require(bed.read("figures/alpine-fig11-curves.dat"))
        let blocks = curves.components(separatedBy: "\n\n\n").map { block in
            block.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: " ").map { Double($0)! } }
        }
        #expect(blocks.count == 2)
        for (block, width) in zip(blocks, [8, 16]) {
            #expect(block.map { $0[0] } == [4, 8, 12])
            let file = try #require(bed.entryFile("e[width=\(width)]", "evaluation.h5"), "no entry for e[width=\(width)]")
            let read = try runCommand(["/usr/bin/python3", "-c", "import h5py,sys; f=h5py.File(sys.argv[1]); print(' '.join(repr(float(x)) for x in f['checkpoint_accuracy'][:]), int(f.attrs['width']))", file])
            let fields = String(decoding: read.output, as: UTF8.self).split(separator: " ").map { Double($0.trimmingCharacters(in: .whitespacesAndNewlines))! }
            #expect(fields == block.map { $0[1] } + [Double(width)], "d = \(width): \(fields) against \(block)")
        }
        for figure in ["alpine-fig11.png", "alpine-fig11.pdf", "alpine-fig12.png", "alpine-fig12.pdf"] {
            #expect((try? FileManager.default.attributesOfItem(atPath: bed.directory + "/figures/" + figure)[.size] as? Int) ?? 0 > 1000, "\(figure)")
        }
        // The table reads back, and the graph's rows hold whatever the tiny training did.
        let table = try #require(bed.read("figures/alpine-blocksworld-theory.json"))
        let rows = try #require((try JSONSerialization.jsonObject(with: Data(table.utf8)) as? [String: Any])?["rows"] as? [[String: Any]])
        func row(_ prefix: String) -> [String: Any]? { rows.first { ($0["claim"] as? String)?.hasPrefix(prefix) == true } }
        #expect(row("states of 4 blocks")?["measured"] as? Double == 73)
        for claim in ["states per stack count", "asymmetric adjacency", "ordered pairs with no path", "nodes 0–23 not of degree 1",
                      "pairs in both sets", "invalid or cyclic", "off-diagonal R_obs entries in the first 24 columns"] {
            #expect(row(claim)?["passed"] as? Bool == true, "\(claim): \(String(describing: row(claim)))")
        }
        #expect(rows.filter { ($0["claim"] as? String)?.hasPrefix("final sampled test accuracy, d = ") == true }.count == 2)
        let again = try bed.icar("run")
        #expect(again.error.contains("0 run"), "\(again.error)")
    }
}
