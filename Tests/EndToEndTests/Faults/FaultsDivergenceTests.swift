import Foundation
import HDF5
import Testing

/// Class 1 of issue #11: a training that diverges (an absurd learning rate, the quick profile's sizes) stops at once
/// with its stage, step and loss in one message, and commits nothing, in every training kind.
@Suite struct FaultsDivergenceTests {
    static let haar = #""haar": {"kind": "generate-sequences", "params": {"family": "haar", "dimension": 5, "steps": 50, "count": 512, "test_count": 128, "seed": 0}}"#
    static let phase = #""phase": {"kind": "generate-sequences", "params": {"family": "phase", "dimension": 1, "steps": 30, "count": 200, "mu": 1, "seed": 0}}"#

    static let trainings: [(kind: String, pipeline: String)] = [
        ("train-closed-form", #"{"stages": {"train": {"kind": "train-closed-form", "params": {"case": "unitary", "dimension": 10, "heads": 10, "context_length": 20, "learning_rate": 1e12, "iterations": 100, "seed": 0}}}}"#),
        ("train-closed-form", #"{"stages": {"train": {"kind": "train-closed-form", "params": {"case": "rotations", "dimension": 10, "heads": 8, "context_length": 20, "learning_rate": 1e12, "iterations": 100, "seed": 0}}}}"#),
        ("train-positional", #"{"stages": {\#(phase), "train": {"kind": "train-positional", "params": {"mus": [50], "learning_rate": 1e12}, "inputs": {"sequences": "phase"}}}}"#),
        ("train-augmented", #"{"stages": {\#(haar), "train": {"kind": "train-augmented", "params": {"layers": 1, "epochs": 3, "learning_rate": 1e30, "batch_size": 128, "seed": 0}, "inputs": {"sequences": "haar"}}}}"#),
        ("train-multihead", #"{"stages": {\#(haar), "train": {"kind": "train-multihead", "params": {"heads": 8, "epochs": 2, "learning_rate": 1e30, "batch_size": 128, "seed": 0}, "inputs": {"sequences": "haar"}}}}"#),
    ]

    @Test(arguments: trainings)
    func aDivergingTrainingStopsWithStageStepAndLossAndCommitsNothing(_ kind: String, _ pipeline: String) throws {
        let bed = try Testbed(pipeline)
        let outcome = try bed.icar("run")
        #expect(outcome.status == 1, "\(kind): \(outcome.error)")
        let line = outcome.error.split(separator: "\n").first { $0.contains("training diverged") }.map(String.init) ?? ""
        #expect(line.contains("stage train failed: training diverged at step "), "\(kind): \(outcome.error)")
        let loss = line.components(separatedBy: "loss = ").last?.split(separator: " ").first.map(String.init) ?? ""
        #expect(["nan", "-nan", "inf", "-inf"].contains(loss), "the non-finite loss is named: \(line)")
        #expect(bed.key(of: "train") == nil, "\(kind): a diverged training was committed")
        #expect(bed.entries.count == (pipeline.contains("generate-sequences") ? 1 : 0), "\(bed.entries)")
        #expect(bed.leftovers.isEmpty, "\(bed.leftovers)")
    }

    @Test func aDatasetWithNaNOrInfinityIsNeverWritten() throws {
        let path = NSTemporaryDirectory() + "icar-nonfinite-\(UUID().uuidString).h5"
        defer { unlink(path) }
        let file = try HDF5File.create(path)
        for values in [[1, .nan, 3], [1, .infinity, 3], [-.infinity]] as [[Double]] {
            #expect(throws: HDF5Error.self) { try file.write("x\(values.count)\(values[0])", values, shape: [values.count]) }
        }
        #expect(throws: HDF5Error.self) { try file.write("f", [Float.nan], shape: [1]) }
        do {
            try file.write("d", [1, .nan], shape: [2])
            Issue.record("NaN was written")
        } catch {
            #expect("\(error)".contains("refusing to store dataset 'd' in \(path): element 1 is nan, not a finite number"), "\(error)")
        }
        // NaN as a declared mask is kept; an infinity is refused even then.
        try file.write("masked", [1, .nan], shape: [2], nonFinite: .nanMeansMasked)
        #expect(throws: HDF5Error.self) { try file.write("masked_inf", [.infinity], shape: [1], nonFinite: .nanMeansMasked) }
        try file.close()
        let reopened = try HDF5File.open(path)
        #expect(!reopened.contains("d") && !reopened.contains("f") && reopened.contains("masked"))
    }
}
