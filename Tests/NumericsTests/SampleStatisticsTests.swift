import NumericCore
import Testing

@Suite struct SampleStatisticsTests {
    /// 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations summing to 32, so the sample variance is 32/7.
    @Test func aTextbookSampleHasItsKnownMeanAndSampleDeviation() {
        let s = SampleStatistics([2, 4, 4, 4, 5, 5, 7, 9])
        #expect(s.count == 8 && s.mean == 5 && s.minimum == 2 && s.maximum == 9)
        #expect(abs(s.standardDeviation - (32.0 / 7).squareRoot()) < 1e-15)
    }

    /// Against the one-pass form Var = (Σx² − n·mean²)/(n − 1) on seeded values near 0.036 (test MSEs).
    @Test func agreesWithTheOnePassFormulaOnRandomValues() {
        var generator = SeededGenerator(seed: 5)
        for n in [2, 3, 5, 20] {
            let values = (0..<n).map { _ in 0.036 + 0.001 * generator.nextGaussian() }
            let sum = values.reduce(0, +), squares = values.reduce(0) { $0 + $1 * $1 }
            let mean = sum / Double(n)
            let variance = (squares - Double(n) * mean * mean) / Double(n - 1)
            let s = SampleStatistics(values)
            #expect(abs(s.mean - mean) < 1e-15)
            #expect(abs(s.standardDeviation - variance.squareRoot()) < 1e-9 * variance.squareRoot(), "n = \(n)")
        }
    }

    /// Two values a, b: sd = |a − b|/√2; one value has no spread.
    @Test func twoValuesAndOne() {
        #expect(abs(SampleStatistics([0.03, 0.04]).standardDeviation - 0.01 / 2.0.squareRoot()) < 1e-16)
        #expect(SampleStatistics([0.03]).standardDeviation.isNaN)
        #expect(SampleStatistics([0.03]).mean == 0.03)
    }
}
