import AugmentedTransformer
import GradientDescentBaselines
import NumericCore
import Testing

@Suite struct HeldOutBaselineTests {
    /// Haar sequences (d = 3, 12 tokens) from a seed.
    func sequences(_ count: Int, seed: UInt64) throws -> TokenSequences {
        var generator = SeededGenerator(seed: seed)
        var values: [Double] = []
        for _ in 0..<count {
            let w = try LinearAlgebra.orthogonalFactor(ofSquare: Matrix(rows: 3, columns: 3, elements: (0..<9).map { _ in generator.nextGaussian() }))
            var s = [Double](repeating: 1 / 3.0.squareRoot(), count: 3)
            for _ in 0..<12 { values += s; s = w.applied(to: s) }
        }
        return TokenSequences(values, shape: SequenceShape(count: count, tokenCount: 12, dimension: 3))
    }

    @Test func stepSizesFittedElsewhereScoreNoBetterThanTheInSampleOptimum() throws {
        let test = try sequences(200, seed: 1), train = try sequences(400, seed: 2)
        for perPosition in [false, true] {
            let inSample = InContextBaselines.gradientSteps(test, steps: 1, perPosition: perPosition)
            let heldOut = InContextBaselines.gradientSteps(test, fittedOn: train, steps: 1, perPosition: perPosition)
            // The in-sample η minimises the test MSE, so a held-out η cannot beat it; and it is a different η.
            #expect(heldOut.meanSquaredError >= inSample.meanSquaredError - 1e-15)
            #expect(heldOut.stepSizes != inSample.stepSizes)
            let same = InContextBaselines.gradientSteps(test, fittedOn: test, steps: 1, perPosition: perPosition)
            #expect(same == inSample)
        }
        let inSample = try InContextBaselines.gradientStepsWithOwnStepSizes(test, steps: 2)
        let heldOut = try InContextBaselines.gradientStepsWithOwnStepSizes(test, fittedOn: train, steps: 2)
        #expect(heldOut.meanSquaredError >= inSample.meanSquaredError - 1e-15)
    }
}
