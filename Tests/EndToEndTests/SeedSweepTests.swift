import Foundation
import Testing

/// The in-context paper's seed sweeps through the real binary and store: Figure 3 (right) over seeds (paper sizes,
/// a fraction of a second a run) and Figure 5 over layers × seeds (tiny sizes), each gathered by its aggregate,
/// whose published numbers must be those of the cells as h5py reads them.
@Suite struct SeedSweepTests {
    static func pipeline(closedFormSeeds: [Int]) -> String {
        """
        {"stages": {
          "rotations": {"kind": "train-closed-form", "params": {"case": "rotations", "dimension": 10, "heads": 8,
                        "context_length": 20, "learning_rate": 0.001, "iterations": 100000, "loss_stride": 1000},
                        "matrix": {"seed": \(closedFormSeeds)}},
          "rotations-seeds": {"kind": "plot-closed-form-seeds", "inputs": {"trained": "rotations[*]"}},
          "haar": {"kind": "generate-sequences", "params": {"family": "haar", "dimension": 5, "steps": 50, "count": 256,
                   "test_count": 64, "seed": 0}},
          "one-layer": {"kind": "train-augmented", "params": {"layers": 1, "epochs": 2, "batch_size": 64, "seed": 0},
                        "inputs": {"sequences": "haar"}},
          "augmented": {"kind": "train-augmented", "params": {"epochs": 2, "batch_size": 64},
                        "matrix": {"layers": [1, 2], "seed": [0, 1, 2]}, "inputs": {"sequences": "haar"}},
          "baselines": {"kind": "verify-augmented", "inputs": {"trained": "one-layer", "sequences": "haar"}},
          "augmented-seeds": {"kind": "plot-augmented-seeds", "inputs": {"trained": "augmented[*]", "baselines": "baselines"}}
        }}
        """
    }

    /// Root attribute `name` of an HDF5 file, as h5py reads it.
    func attribute(_ file: String, _ name: String) throws -> Double {
        let read = try runCommand(["/usr/bin/python3", "-c", "import h5py,sys; print(repr(float(h5py.File(sys.argv[1]).attrs[sys.argv[2]])))", file, name])
        return try #require(Double(String(decoding: read.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
                            "\(String(decoding: read.error, as: UTF8.self))")
    }

    func theoryRows(_ bed: Testbed, _ figure: String) throws -> [[String: Any]] {
        let text = try #require(bed.read("figures/\(figure)-theory.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return try #require(object["rows"] as? [[String: Any]])
    }

    @Test func theAggregatesReportTheirCellsAndAGrownSeedListRunsOnlyTheNewCell() throws {
        let bed = try Testbed(Self.pipeline(closedFormSeeds: [0, 1, 2]))
        let run = try bed.icar("run", "--jobs", "2")
        #expect(run.status == 0, "\(run.error)")

        // Figure 3 over seeds: the converged fraction and every stalled seed, against each cell's own final loss
        // (the loss at the minimum is 0; a stalled run stays near 1.7, PAPER.md §3).
        var losses: [Int: Double] = [:]
        for seed in 0..<3 {
            losses[seed] = try attribute(try #require(bed.entryFile("rotations[seed=\(seed)]", "trained.h5")), "final_loss")
        }
        let rows = try theoryRows(bed, "fig3-orthogonal-seeds")
        func measured(_ claim: String) -> Double? { rows.first { ($0["claim"] as? String) == claim }?["measured"] as? Double }
        let converged = losses.filter { abs($0.value) < 1e-3 }.count
        #expect(converged > 0 && converged < 3, "the three seeds should include both kinds of run: \(losses)")
        #expect(measured("fraction of seeds that reach the zero-loss structure (sign pattern of C and P)") == Double(converged) / 3)
        for (seed, loss) in losses where abs(loss) >= 1e-3 {
            #expect(measured("seed \(seed), not converged: final loss") == loss, "\(rows)")
        }
        #expect(rows.filter { ($0["claim"] as? String)?.hasSuffix("not converged: final loss") ?? false }.count == 3 - converged)
        #expect(bed.read("figures/fig3-orthogonal-seeds-theory.md")?.contains("**FAIL**") == false)

        // Figure 5 over seeds: mean and sd per layer count, from the cells' final test MSEs.
        let summary = try #require(bed.read("figures/fig5-seeds-summary.dat"))
        let lines = summary.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: " ").map { Double($0)! } }
        #expect(lines.map { $0[0] } == [1, 2])
        for line in lines {
            let layers = Int(line[0])
            let values = try (0..<3).map { seed in
                try attribute(try #require(bed.entryFile("augmented[layers=\(layers),seed=\(seed)]", "trained.h5")), "final_test_loss")
            }
            let script = "import statistics,sys; v=[float(x) for x in sys.argv[1:]]; print(repr(statistics.mean(v)), repr(statistics.stdev(v)))"
            let python = try runCommand(["python3", "-c", script] + values.map { "\($0)" })
            let expected = String(decoding: python.output, as: UTF8.self).split(separator: " ").map {
                Double($0.trimmingCharacters(in: .whitespacesAndNewlines))!
            }
            #expect(abs(line[1] - expected[0]) <= 1e-15 * expected[0], "layers \(layers): mean \(line[1]) against \(expected[0])")
            #expect(abs(line[2] - expected[1]) <= 1e-12 * expected[1], "layers \(layers): sd \(line[2]) against \(expected[1])")
            #expect(line[3] == 3)
        }
        // The 1-layer seed-0 cell has the plain stage's parameters, so its key.
        #expect(bed.key(of: "augmented[layers=1,seed=0]") == bed.key(of: "one-layer"))
        for figure in ["fig3-orthogonal-seeds", "fig5-seeds"] {
            for suffix in [".png", ".pdf"] {
                #expect((try? FileManager.default.attributesOfItem(atPath: bed.directory + "/figures/" + figure + suffix)[.size] as? Int) ?? 0 > 1000, "\(figure)\(suffix)")
            }
        }

        // One more seed: its cell and the aggregate run, nothing else.
        let keys = (0..<3).map { bed.key(of: "rotations[seed=\($0)]") }
        let entries = Set(bed.entries)
        try bed.write(Self.pipeline(closedFormSeeds: [0, 1, 2, 3]))
        let grown = try bed.icar("run")
        #expect(grown.status == 0, "\(grown.error)")
        #expect(grown.error.contains("2 run,"), "\(grown.error)")
        #expect(grown.error.contains("▶ rotations[seed=3]") && grown.error.contains("▶ rotations-seeds"), "\(grown.error)")
        #expect((0..<3).map { bed.key(of: "rotations[seed=\($0)]") } == keys)
        #expect(Set(bed.entries).subtracting(entries).count == 2)
        #expect(try theoryRows(bed, "fig3-orthogonal-seeds").first { ($0["claim"] as? String) == "seeds that reach it" } != nil)
    }
}
