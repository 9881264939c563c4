import Foundation
import HDF5
import NumericCore
import Testing
@testable import InContextStages
@testable import StageSupport

@Suite struct GenerateSequencesTests {
    @Test(arguments: ["haar", "rotations", "so3"])
    func realFamiliesAreOrthogonalAndFollowTheirMatrix(family: String) throws {
        let d = family == "so3" ? 3 : (family == "rotations" ? 6 : 5)
        let harness = try StageHarness()
        let out = try harness.run(GenerateSequencesKind(),
                                  #"{"family": "\#(family)", "dimension": \#(d), "steps": 20, "count": 50, "test_count": 5, "seed": 3}"#)
        let file = try HDF5File.open(out + "/sequences.h5")
        let (sequences, shape) = try file.readDoubles("train/sequences")
        let (matrices, matrixShape) = try file.readDoubles("train/matrices")
        #expect(shape == [50, 21, d])
        #expect(matrixShape == [50, d, d])
        #expect(try file.shape(of: "test/sequences") == [5, 21, d])
        for n in 0..<50 {
            let w = Matrix(rows: d, columns: d, elements: Array(matrices[(n * d * d)..<((n + 1) * d * d)]))
            // ||WᵀW − I|| at Float64 round-off
            #expect((w.multiplied(by: w, transposeSelf: true) - Matrix.identity(d)).frobeniusNorm < 1e-13)
            if family == "so3" { #expect(abs(SequenceGenerator.determinant3(w) - 1) < 1e-12) }
            for t in 0..<20 {
                let s = Array(sequences[(n * 21 * d + t * d)..<(n * 21 * d + (t + 1) * d)])
                let next = Array(sequences[(n * 21 * d + (t + 1) * d)..<(n * 21 * d + (t + 2) * d)])
                let predicted = w.applied(to: s)
                #expect(zip(predicted, next).allSatisfy { abs($0 - $1) < 1e-12 })
            }
        }
    }

    @Test func haarMatricesHaveHaarTraceMoments() throws {
        // For W Haar on O(d): E tr W = 0 and E (tr W)² = 1 (Diaconis–Shahshahani).
        var generator = SeededGenerator(seed: 11)
        let count = 4000
        var traces: [Double] = []
        for _ in 0..<count {
            traces.append(try SequenceGenerator.orthogonalMatrix(.haar, dimension: 5, generator: &generator).trace)
        }
        let mean = traces.reduce(0, +) / Double(count)
        let second = traces.reduce(0) { $0 + $1 * $1 } / Double(count)
        // Standard errors: sd(tr W) = 1 and sd((tr W)²) = √2 for Haar matrices with d ≥ 4.
        #expect(abs(mean) < 4 / Double(count).squareRoot(), "E tr W = \(mean)")
        #expect(abs(second - 1) < 4 * 2.0.squareRoot() / Double(count).squareRoot(), "E (tr W)² = \(second)")
    }

    @Test func complexFamiliesLieOnTheUnitCircle() throws {
        let harness = try StageHarness()
        let out = try harness.run(GenerateSequencesKind(),
                                  #"{"family": "phase", "dimension": 1, "steps": 30, "count": 20, "mu": 50, "seed": 1}"#)
        let file = try HDF5File.open(out + "/sequences.h5")
        let (real, shape) = try file.readDoubles("train/sequences_real")
        let (imaginary, _) = try file.readDoubles("train/sequences_imag")
        let (angles, _) = try file.readDoubles("train/angles")
        #expect(shape == [20, 31, 1])
        for n in 0..<20 {
            let phase = angles[n] / 50
            for t in 0..<31 {
                #expect(abs(real[n * 31 + t] - cos(Double(t) * phase)) < 1e-12)
                #expect(abs(imaginary[n * 31 + t] - sin(Double(t) * phase)) < 1e-12)
            }
        }
    }

    @Test func sameParametersGiveIdenticalBytesAndOtherSeedsDoNot() throws {
        let harness = try StageHarness()
        let parameters = #"{"family": "haar", "dimension": 5, "steps": 10, "count": 30, "test_count": 4, "seed": 7}"#
        let first = try harness.run(GenerateSequencesKind(), parameters, name: "first")
        let second = try harness.run(GenerateSequencesKind(), parameters, name: "second")
        let other = try harness.run(GenerateSequencesKind(), parameters.replacingOccurrences(of: "7}", with: "8}"), name: "other")
        let bytes = { (directory: String) in try Data(contentsOf: URL(fileURLWithPath: directory + "/sequences.h5")) }
        #expect(try bytes(first) == bytes(second))
        let a = try HDF5File.open(first + "/sequences.h5").readDoubles("train/sequences").values
        let b = try HDF5File.open(other + "/sequences.h5").readDoubles("train/sequences").values
        #expect(a != b)
    }

    @Test func invalidDimensionIsAClearError() throws {
        let harness = try StageHarness()
        #expect(throws: (any Error).self) {
            try harness.run(GenerateSequencesKind(), #"{"family": "rotations", "dimension": 5, "steps": 3, "count": 2, "seed": 0}"#)
        }
    }

    @Test func h5dumpAndH5pyReadTheFile() throws {
        let harness = try StageHarness()
        let out = try harness.run(GenerateSequencesKind(),
                                  #"{"family": "haar", "dimension": 5, "steps": 4, "count": 3, "seed": 2}"#)
        let path = out + "/sequences.h5"
        let dump = try runProgram(["h5dump", "-A", path])
        #expect(dump.status == 0, "\(dump.output)")
        #expect(dump.output.contains("DATASET \"sequences\""), "\(dump.output)")
        #expect(dump.output.contains("icar_key"), "\(dump.output)")
        let script = """
        import h5py, numpy as np
        f = h5py.File('\(path)', 'r')
        s = f['train/sequences'][...]; W = f['train/matrices'][...]
        assert s.shape == (3, 5, 5), s.shape
        assert np.allclose(np.einsum('nij,nj->ni', W, s[:, 0]), s[:, 1])
        # Strings are UTF-8 variable-length: h5py gives str, not bytes.
        assert isinstance(f.attrs['family'], str), type(f.attrs['family'])
        print(f.attrs['family'], f.attrs['icar_key'])
        """
        let python = try runProgram(["python3", "-c", script])
        #expect(python.status == 0, "\(python.output)")
        #expect(python.output.hasPrefix("haar test-key"), "\(python.output)")
    }
}
