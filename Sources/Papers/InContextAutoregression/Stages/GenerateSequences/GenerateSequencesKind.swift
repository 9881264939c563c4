import Foundation
import HDF5
import NumericCore
import PipelineEngine
import StageSupport

/// Stage kind `generate-sequences`: draws a sequence family of PAPER.md §1 into sequences.h5.
///
/// Layout of sequences.h5: for each split (`train`, and `test` when test_count > 0) the dataset
/// `SPLIT/sequences` [count, steps+1, d] (real families) or `SPLIT/sequences_real` and `SPLIT/sequences_imag`
/// (complex families), plus `SPLIT/matrices` [count, d, d] (the W of each sequence) or `SPLIT/angles` [count, d].
struct GenerateSequencesKind: DeclaresDatasets {
    let name = "generate-sequences"
    let version = 3
    /// Real families write sequences and matrices, complex ones (unitary, phase) sequences_real/_imag and angles.
    let datasets: [DatasetDeclaration] = [("train", "count"), ("test", "test_count")].flatMap { split, count in
        [DatasetDeclaration("sequences.h5", "\(split)/sequences", ["sequence": count, "token t": "steps+1", "coordinate": "dimension"],
                            "the \(split) sequences s_0 … s_n, s_{t+1} = W s_t (real families)"),
         DatasetDeclaration("sequences.h5", "\(split)/matrices", ["sequence": count, "row": "dimension", "column": "dimension"],
                            "each \(split) sequence's W (real families)"),
         DatasetDeclaration("sequences.h5", "\(split)/sequences_real", ["sequence": count, "token t": "steps+1", "coordinate": "dimension"],
                            "real parts of the \(split) sequences (complex families)"),
         DatasetDeclaration("sequences.h5", "\(split)/sequences_imag", ["sequence": count, "token t": "steps+1", "coordinate": "dimension"],
                            "imaginary parts of the \(split) sequences (complex families)"),
         DatasetDeclaration("sequences.h5", "\(split)/angles", ["sequence": count, "coordinate": "dimension"],
                            "the angles θ that draw each \(split) sequence (complex families; phase: λ = e^{iθ/μ})")]
    }
    func toolchain() -> [String: String] { NativeToolchain.numerics }
    let summary = "Draw sequences s_{t+1} = W s_t of one family (haar, rotations, unitary, phase, so3) into sequences.h5"
    let parameters: [ParameterSpec] = [
        ParameterSpec("family", .string, help: "which W: haar, rotations, unitary, phase or so3",
                      choices: SequenceFamily.allCases.map(\.rawValue)),
        ParameterSpec("dimension", .integer, help: "d, the token dimension (rotations: even; phase: 1; so3: 3)",
                      minimum: 1),
        ParameterSpec("steps", .integer, help: "n: each sequence has tokens s_0 … s_n", minimum: 1),
        ParameterSpec("count", .integer, help: "number of training sequences", minimum: 1),
        ParameterSpec("test_count", .integer, default: .integer(0), help: "number of test sequences (0 = none)",
                      minimum: 0),
        ParameterSpec("mu", .number, default: .number(1), help: "phase family: λ = e^{iθ/μ}", minimum: 1e-12),
        ParameterSpec("seed", .integer, help: "seed of the generator (train uses stream 0, test stream 1)"),
    ]

    func validate(_ p: StageParameters) throws {
        guard let family = SequenceFamily(rawValue: p.string("family")) else { fatalError("validated choice") }
        let d = p.integer("dimension")
        switch family {
        case .rotations where d % 2 != 0: throw PipelineError("rotations need an even dimension, got \(d)")
        case .phase where d != 1: throw PipelineError("the phase family is scalar: dimension must be 1, got \(d)")
        case .so3 where d != 3: throw PipelineError("so3 needs dimension 3, got \(d)")
        default: break
        }
    }

    /// The sequences (twice for complex families) and each sequence's matrix, in Doubles, held whole before writing.
    func estimatedPeakBytes(_ p: StageParameters) -> Double {
        let count = Double(p.integer("count")) + Double(p.integer("test_count"))
        let d = Double(p.integer("dimension"))
        return count * (Double(p.integer("steps")) + 1) * d * 8 * 2 + count * d * d * 8
    }

    func run(_ context: StageContext) throws {
        let p = context.parameters
        try validate(p)
        guard let family = SequenceFamily(rawValue: p.string("family")) else { fatalError("validated choice") }
        let d = p.integer("dimension")
        let steps = p.integer("steps")
        let splits = [("train", p.integer("count"), UInt64(0)), ("test", p.integer("test_count"), UInt64(1))]
            .filter { $0.1 > 0 }
        let total = splits.reduce(0) { $0 + $1.1 }
        let file = try context.createHDF5("sequences.h5", declared: datasets)
        try file.setAttribute("family", family.rawValue)
        try file.setAttribute("dimension", d)
        try file.setAttribute("steps", steps)
        var done = 0
        for (split, count, stream) in splits {
            var generator = SeededGenerator.stream(seed: p.seed(), index: stream)
            let sequences = try SequenceGenerator.generate(family, count: count, steps: steps, dimension: d,
                                                           mu: p.number("mu"), generator: &generator) {
                context.progress(done + $0, of: total, split)
            }
            done += count
            let shape = [count, steps + 1, d]
            if family.isComplex {
                try file.write("\(split)/sequences_real", sequences.real, shape: shape)
                try file.write("\(split)/sequences_imag", sequences.imaginary, shape: shape)
                try file.write("\(split)/angles", sequences.angles, shape: [count, d])
            } else {
                try file.write("\(split)/sequences", sequences.real, shape: shape)
                try file.write("\(split)/matrices", sequences.matrices, shape: [count, d, d])
            }
        }
        try file.close()
    }
}
