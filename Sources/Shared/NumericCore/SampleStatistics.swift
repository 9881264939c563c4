/// Mean and spread of a small sample (seeds of one experiment).
public struct SampleStatistics: Equatable, Sendable {
    public let count: Int
    /// (1/n) Σ x_i.
    public let mean: Double
    /// The sample standard deviation √(Σ (x_i − mean)² / (n − 1)); NaN for fewer than two values.
    ///
    /// A note on n − 1: the seeds are a sample of the initialisations, and the spread is quoted to tell whether another
    /// seed's value is unusual, so the unbiased variance is the one to use (with 3 seeds the 1/n form is 18 % smaller).
    public let standardDeviation: Double
    public let minimum: Double
    public let maximum: Double

    public init(_ values: [Double]) {
        count = values.count
        // mean = (1/n) Σ x_i, then the squared deviations from it (two passes: no cancellation of large squares).
        let mean = values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        self.mean = mean
        standardDeviation = values.count < 2 ? .nan : (squares / Double(values.count - 1)).squareRoot()
        minimum = values.min() ?? .nan
        maximum = values.max() ?? .nan
    }
}
