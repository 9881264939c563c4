import NumericCore

/// Fig. 4: regeneration MSE of real token sequences against the same tokens shuffled across sequences.
public struct AutoregressiveTokenCheck: Sendable {
    /// The MSEs of one set of sequences and what the figure reports about them.
    public struct ErrorSummary: Sendable {
        public let errors: [Double]
        /// Fraction of sequences with MSE ≤ threshold: regenerated exactly (up to rounding).
        public let fractionExact: Double
        public let median: Double
        /// Median of the MSEs above the threshold (the ones the reference's histogram shows); nil if none.
        public let medianAboveThreshold: Double?
        /// Fraction of sequences whose repeated tokens are always followed by the same token (see
        /// `TokenSequenceBatch.admitsExactLinearFit`): the fraction exact should equal it.
        public let fractionAdmittingExactFit: Double
        /// Sequences whose exactness (MSE ≤ threshold) differs from that prediction, one by one.
        public let exactnessDisagreements: Int

        init(errors: [Double], batch: TokenSequenceBatch, threshold: Double) {
            self.errors = errors
            let count = Double(errors.count)
            fractionExact = Double(errors.filter { $0 <= threshold }.count) / count
            median = Self.median(errors)
            let above = errors.filter { $0 > threshold }
            medianAboveThreshold = above.isEmpty ? nil : Self.median(above)
            fractionAdmittingExactFit = Double((0..<batch.count).filter { batch.admitsExactLinearFit(at: $0) }.count)
                / count
            exactnessDisagreements = (0..<batch.count).filter { (errors[$0] <= threshold) != batch.admitsExactLinearFit(at: $0) }
                .count
        }

        static func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            let middle = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        }
    }

    public let real: ErrorSummary
    public let shuffled: ErrorSummary
    /// Common log10 bins, counts[0] for the real sequences, counts[1] for the shuffled ones.
    public let histogram: RegenerationErrorHistogram

    /// Runs the experiment on `batch`; the shuffled control draws its permutation from `generator`.
    public init(batch: TokenSequenceBatch, generator: inout SeededGenerator, threshold: Double = 1e-12,
                binCount: Int = 100) throws {
        let control = batch.shuffledAcrossSequences(using: &generator)
        let realErrors = try Self.regenerationErrors(of: batch)
        let shuffledErrors = try Self.regenerationErrors(of: control)
        real = ErrorSummary(errors: realErrors, batch: batch, threshold: threshold)
        shuffled = ErrorSummary(errors: shuffledErrors, batch: control, threshold: threshold)
        histogram = RegenerationErrorHistogram(errorSets: [realErrors, shuffledErrors], binCount: binCount,
                                               threshold: threshold)
    }

    /// The regeneration MSE of every sequence of the batch.
    public static func regenerationErrors(of batch: TokenSequenceBatch) throws -> [Double] {
        try (0..<batch.count).map { try AutoregressiveFit.regenerationError(of: batch.sequence(at: $0)) }
    }
}
