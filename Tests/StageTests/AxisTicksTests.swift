import Foundation
import Testing
@testable import StageSupport

/// Issue #13: colour bars and log axes of narrow panels were crowded (nine labels on a bar a few labels tall,
/// eighteen decades on a loss axis). The colour-bar rule runs inside gnuplot, so it is checked by running it there.
@Suite struct AxisTicksTests {
    /// The step gnuplot computes from `colourBarTicks` for the colour range [lo, hi].
    func gnuplotColourStep(lo: Double, hi: Double, in directory: String) throws -> Double {
        let script = "lo = \(lo); hi = \(hi)\n\(GnuplotFigure.colourBarTicks)\nprint sprintf('%.17g', s)\n"
        try script.write(toFile: directory + "/ticks.gp", atomically: true, encoding: .utf8)
        // gnuplot's `print` writes to stderr, which ExternalProgram returns with stdout.
        let output = try ExternalProgram.run(["gnuplot", directory + "/ticks.gp"])
        return try #require(Double(output.trimmingCharacters(in: .whitespacesAndNewlines)), "gnuplot printed \(output)")
    }

    @Test func colourBarsGetThreeToFiveLabelsAtOneTwoOrFiveTimesAPowerOfTen() throws {
        let directory = NSTemporaryDirectory() + "icar-ticks-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Ranges the figures meet: symmetric weights, probabilities, accuracies, large and tiny spans.
        let ranges: [(Double, Double)] = [(-4.1, 4.1), (-0.83, 0.83), (0, 1), (0.78, 0.82), (-1.27, 1.27),
                                          (-7.5, 7.5), (0.0003, 0.0071), (-120, 35), (2, 3), (-0.061, 0.1)]
        for (lo, hi) in ranges {
            let step = try gnuplotColourStep(lo: lo, hi: hi, in: directory)
            let labels = Int((hi / step + 1e-9).rounded(.down) - (lo / step - 1e-9).rounded(.up)) + 1
            #expect((2...5).contains(labels), "range [\(lo), \(hi)]: step \(step) gives \(labels) labels")
            let mantissa = step / pow(10, log10(step).rounded(.down))
            #expect([1, 2, 5].contains { abs(mantissa - $0) < 1e-9 }, "range [\(lo), \(hi)]: step \(step)")
            // The finest such step: the next finer 1-2-5 step would give more than five labels.
            let finer = mantissa == 1 ? step / 2 : (mantissa == 2 ? step / 2 : step * 2 / 5)
            let finerLabels = Int((hi / finer + 1e-9).rounded(.down) - (lo / finer - 1e-9).rounded(.up)) + 1
            #expect(finerLabels > 5, "range [\(lo), \(hi)]: step \(finer) would also fit (\(finerLabels) labels)")
        }
    }

    @Test func logAxesLabelAtMostAboutSixPowers() {
        #expect(GnuplotFigure.logTickFactor([1e2, 1e-16]) == 1e4)
        #expect(GnuplotFigure.logTickFactor([0.01, 0.9]) == 10)
        #expect(GnuplotFigure.logTickFactor([0, -1, 3e-7, 5e3]) == 1000)
        for decades in 1...40 {
            let factor = GnuplotFigure.logTickFactor([1, pow(10, Double(decades))])
            let labels = Double(decades) / log10(factor) + 1
            #expect(labels <= 6, "\(decades) decades: factor \(factor) gives \(labels) labels")
        }
    }
}
