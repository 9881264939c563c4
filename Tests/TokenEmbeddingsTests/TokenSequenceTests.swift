import NumericCore
import Testing
import TokenEmbeddings

@Suite struct TokenSequenceTests {
    /// A random embedding table of `vocabularySize` tokens in `dimension` dimensions.
    static func table(vocabularySize: Int, dimension: Int, seed: UInt64) throws -> TokenEmbeddingTable {
        var generator = SeededGenerator(seed: seed)
        let values = (0..<(vocabularySize * dimension)).map { _ in Float(generator.nextGaussian()) }
        return try TokenEmbeddingTable(tensor: FloatTensor(shape: [vocabularySize, dimension], values: values))
    }

    @Test func tableReadFromASafetensorsFile() throws {
        let values = SafetensorsTestFiles.randomFloats(4 * 3, seed: 21)
        let bytes = SafetensorsTestFiles.file([
            .init(name: TokenEmbeddingTable.bertWordEmbeddings, dataType: "F32", shape: [4, 3],
                  bytes: SafetensorsTestFiles.float32Bytes(values)),
        ])
        let table = try TokenEmbeddingTable(file: try SafetensorsFile(bytes: bytes))
        #expect(table.vocabularySize == 4 && table.dimension == 3)
        let unit = try table.unitEmbedding(of: 2)
        let row = values[6..<9].map(Double.init)
        let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(zip(unit, row).allSatisfy { abs($0 - $1 / norm) < 1e-15 })
        #expect(throws: TokenEmbeddingError.tokenOutOfRange(id: 4, vocabularySize: 4)) { try table.unitEmbedding(of: 4) }
        let zero = try TokenEmbeddingTable(tensor: FloatTensor(shape: [1, 2], values: [0, 0]))
        #expect(throws: TokenEmbeddingError.degenerateEmbedding(id: 0)) { try zero.unitEmbedding(of: 0) }
        #expect(throws: TokenEmbeddingError.notATable(shape: [6])) {
            try TokenEmbeddingTable(tensor: FloatTensor(shape: [6], values: Array(repeating: 1, count: 6)))
        }
    }

    @Test func sequencesAreConsecutiveNonOverlappingAndUnitNorm() throws {
        let table = try Self.table(vocabularySize: 9, dimension: 6, seed: 22)
        let stream = (0..<23).map { ($0 * 7) % 9 }
        let batch = try TokenSequenceBatch.consecutive(tokenStream: stream, length: 5, maximumCount: 10, table: table)
        #expect(batch.count == 4)
        #expect(batch.tokenIDs == Array(stream.prefix(20)))
        let sequence = try #require(Optional(batch.sequence(at: 2)))
        for t in 0..<5 {
            let row = (0..<6).map { sequence[t, $0] }
            #expect(abs(row.reduce(0) { $0 + $1 * $1 } - 1) < 1e-14)
            #expect(row == (try table.unitEmbedding(of: stream[10 + t])))
        }
        #expect(try TokenSequenceBatch.consecutive(tokenStream: stream, length: 5, maximumCount: 3, table: table).count == 3)
        #expect(throws: TokenEmbeddingError.notEnoughTokens(available: 3, needed: 5)) {
            try TokenSequenceBatch.consecutive(tokenStream: [1, 2, 3], length: 5, maximumCount: 10, table: table)
        }
    }

    @Test func shuffledControlPermutesTokensAcrossSequences() throws {
        let table = try Self.table(vocabularySize: 30, dimension: 4, seed: 23)
        let stream = (0..<200).map { $0 % 30 }
        let batch = try TokenSequenceBatch.consecutive(tokenStream: stream, length: 5, maximumCount: 40, table: table)
        var generator = SeededGenerator(seed: 24)
        let shuffled = batch.shuffledAcrossSequences(using: &generator)
        #expect(shuffled.tokenIDs.sorted() == batch.tokenIDs.sorted())
        #expect(shuffled.tokenIDs != batch.tokenIDs)
        // Embeddings travel with their ids.
        let rebuilt = try TokenSequenceBatch(tokenIDs: shuffled.tokenIDs, length: 5, table: table)
        #expect(rebuilt.tokens == shuffled.tokens)
        // The same seed gives the same control, another seed another one.
        var same = SeededGenerator(seed: 24), other = SeededGenerator(seed: 25)
        #expect(batch.shuffledAcrossSequences(using: &same).tokenIDs == shuffled.tokenIDs)
        #expect(batch.shuffledAcrossSequences(using: &other).tokenIDs != shuffled.tokenIDs)
    }

    @Test func exactFitRuleFromTokenIds() throws {
        let table = try Self.table(vocabularySize: 6, dimension: 8, seed: 26)
        let cases: [([Int], Bool)] = [
            ([0, 1, 2, 3, 4], true), ([0, 1, 0, 1, 0], true), ([0, 1, 2, 3, 0], true), ([3, 3, 3, 3, 3], true),
            ([0, 0, 1, 2, 3], false), ([0, 1, 2, 0, 2], false), ([0, 1, 1, 2, 3], false),
        ]
        let batch = try TokenSequenceBatch(tokenIDs: cases.flatMap(\.0), length: 5, table: table)
        for (index, (_, admits)) in cases.enumerated() { #expect(batch.admitsExactLinearFit(at: index) == admits) }
    }

    @Test func histogramBinsLog10ErrorsAboveTheThreshold() {
        // log10 values -3, -2, -1, 0 on 3 bins over [-3, 0]: one per bin, the last bin closed on the right.
        let histogram = RegenerationErrorHistogram(errorSets: [[1e-3, 1e-2, 1e-1, 1, 1e-20], [0.05]], binCount: 3)
        #expect(histogram.edges.count == 4)
        #expect(zip(histogram.edges, [-3.0, -2, -1, 0]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(histogram.counts == [[1, 1, 2], [0, 1, 0]])
        // A single value gets a unit-wide range around it; no value above the threshold gives empty counts.
        #expect(RegenerationErrorHistogram(errorSets: [[0.01, 1e-13]], binCount: 2).counts == [[0, 1]])
        #expect(RegenerationErrorHistogram(errorSets: [[1e-30]], binCount: 4).counts == [[0, 0, 0, 0]])
    }

    @Test func experimentExactFractionMatchesTheRepeatRule() throws {
        // A small vocabulary makes repeats common. The stream follows the cycle t ↦ 3t mod 8 (no repeat within 5
        // tokens) with every 7th token random, so real windows rarely hold an inconsistent repeat, shuffled ones often.
        let table = try Self.table(vocabularySize: 8, dimension: 16, seed: 27)
        var streamGenerator = SeededGenerator(seed: 28)
        let stream = (0..<600).map { $0 % 7 == 0 ? streamGenerator.nextIndex(below: 8) : ($0 * 3) % 8 }
        let batch = try TokenSequenceBatch.consecutive(tokenStream: stream, length: 5, maximumCount: 100, table: table)
        var generator = SeededGenerator(seed: 29)
        let check = try AutoregressiveTokenCheck(batch: batch, generator: &generator, binCount: 10)
        for summary in [check.real, check.shuffled] {
            #expect(summary.errors.count == 100)
            #expect(summary.fractionExact == summary.fractionAdmittingExactFit)
            #expect(summary.fractionExact > 0 && summary.fractionExact < 1)
            let above = summary.errors.filter { $0 > 1e-12 }
            // Exact fits sit at rounding level, the others far above it.
            #expect(summary.errors.filter { $0 <= 1e-12 }.allSatisfy { $0 < 1e-24 })
            #expect(above.allSatisfy { $0 > 1e-6 })
            // A median: at most half of the values lie on either side of it.
            let median = try #require(summary.medianAboveThreshold)
            #expect(above.filter { $0 < median }.count <= above.count / 2)
            #expect(above.filter { $0 > median }.count <= above.count / 2)
        }
        #expect(check.real.fractionExact > check.shuffled.fractionExact)
        #expect(check.histogram.counts.map { $0.reduce(0, +) }
            == [check.real, check.shuffled].map { s in s.errors.filter { $0 > 1e-12 }.count })
    }
}
