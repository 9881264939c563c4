import Foundation
import HDF5
import NumericCore
import Testing
@testable import InContextStages
@testable import StageSupport

/// A tiny model and texts laid out like the outputs of the two fetch stages of Figure 4.
struct TinyTokenModel {
    static let vocabulary = ["[PAD]", "[UNK]", "the", "cat", "dog", "sat", "on", "a", "mat", "ran", ".", "and"]
    static let dimension = 8

    let model: String
    let texts: String

    init(directory: String) throws {
        model = directory + "/model"
        texts = directory + "/texts"
        for path in [model, texts] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        try Data((Self.vocabulary.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: model + "/vocab.txt"))
        var generator = SeededGenerator(seed: 5)
        let values = (0..<(Self.vocabulary.count * Self.dimension)).map { _ in Float(generator.nextGaussian()) }
        try Data(Self.safetensors(name: "embeddings.word_embeddings.weight", shape: [Self.vocabulary.count, Self.dimension],
                                  values: values)).write(to: URL(fileURLWithPath: model + "/model.safetensors"))
        // Sequences of 5: [the cat the dog .] repeats "the" with two successors (inexact); [a cat sat on a] repeats
        // "a" only as the last token (exact); the rest follow.
        try Data("The cat the dog. A cat sat on a mat.".utf8).write(to: URL(fileURLWithPath: texts + "/one.txt"))
        try Data("The dog ran on and on and on. A cat sat.\nThe mat sat on the cat, a dog ran.".utf8)
            .write(to: URL(fileURLWithPath: texts + "/two.txt"))
    }

    /// 8-byte little-endian header length, JSON header, then the F32 values little-endian.
    static func safetensors(name: String, shape: [Int], values: [Float]) -> [UInt8] {
        let header = Array(#"{"\#(name)":{"dtype":"F32","shape":[\#(shape.map(String.init).joined(separator: ","))],"data_offsets":[0,\#(4 * values.count)]}}"#.utf8)
        let length = UInt64(header.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) } + header
            + values.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * $0)) } }
    }
}

@Suite struct TokenAutoregressionStageTests {
    func runCheck(_ harness: StageHarness, sequences: Int) throws -> String {
        let tiny = try TinyTokenModel(directory: harness.directory)
        return try harness.run(TokenAutoregressionKind(), #"{"texts": ["one.txt", "two.txt"], "sequences": \#(sequences), "seed": 3}"#,
                               inputs: ["model": tiny.model, "texts": tiny.texts], name: "check\(sequences)")
    }

    @Test func exactRegenerationsAreThoseTheTokenIDsPredict() throws {
        let harness = try StageHarness()
        let output = try runCheck(harness, sequences: 5)
        let file = try HDF5File.open(output + "/autoregression.h5")
        let ids = try file.readInts("real/token_ids")
        #expect(ids.shape == [5, 5])
        // the=2 cat=3 the=2 dog=4 .=10 | a=7 cat=3 sat=5 on=6 a=7
        #expect(Array(ids.values.prefix(10)) == [2, 3, 2, 4, 10, 7, 3, 5, 6, 7])
        let real = try file.readDoubles("real/errors").values
        #expect(real.count == 5)
        #expect(real[0] > 1e-6, "\(real)")
        #expect(real[1] < 1e-12, "\(real)")
        #expect(try file.readDoubles("shuffled/errors").values.count == 5)
        #expect(try file.readDoubles("histogram/edges").values.count == 101)
        #expect(try file.readInts("histogram/counts").shape == [2, 100])
        let exact = try file.doubleAttribute("fraction_exact", on: "real/errors")
        #expect(exact == Double(real.filter { $0 <= 1e-12 }.count) / 5)
        let theory = try String(contentsOfFile: output + "/fig4-theory.md", encoding: .utf8)
        #expect(allRowsPass(theory, rows: 7), "\(theory)")
        #expect(theory.contains("MiniLM") && theory.contains("4 pairs in 8 dimensions"), "\(theory)")
        #expect(harness.warnings.isEmpty, "\(harness.warnings)")
    }

    @Test func textsTooShortGiveFewerSequencesAndAWarning() throws {
        let harness = try StageHarness()
        let output = try runCheck(harness, sequences: 1000)
        let file = try HDF5File.open(output + "/autoregression.h5")
        let count = try file.intAttribute("sequences")
        #expect(count > 5 && count < 20)
        #expect(try file.readDoubles("real/errors").values.count == count)
        #expect(harness.warnings.contains { $0.contains("only \(count) sequences") }, "\(harness.warnings)")
    }

    @Test func plotWritesAValidPDFAndPNGWithItsScriptAndData() throws {
        let harness = try StageHarness()
        let check = try runCheck(harness, sequences: 1000)
        let plot = try harness.run(PlotTokenHistogramKind(), "{}", inputs: ["autoregression": check], name: "plot")
        let pdf = try Data(contentsOf: URL(fileURLWithPath: plot + "/fig4.pdf"))
        let png = try Data(contentsOf: URL(fileURLWithPath: plot + "/fig4.png"))
        #expect(pdf.prefix(5) == Data("%PDF-".utf8))
        #expect(String(decoding: pdf.suffix(32), as: UTF8.self).contains("%%EOF"))
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let files = try FileManager.default.contentsOfDirectory(atPath: plot)
        #expect(Set(files) == Set(PlotTokenHistogramKind().publishedFiles(.init(["figure": .string("fig4")]))), "\(files)")
        let data = try String(contentsOfFile: plot + "/fig4-histogram.dat", encoding: .utf8)
        #expect(data.split(separator: "\n").count == 101)
        let rerun = try runProgram(["sh", "-c", "cd '\(plot)' && gnuplot fig4.gp"])
        #expect(rerun.status == 0, "\(rerun.output)")
    }
}
