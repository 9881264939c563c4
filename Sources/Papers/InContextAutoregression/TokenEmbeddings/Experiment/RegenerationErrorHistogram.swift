#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Histograms of log10(MSE) for the MSEs above a threshold, several sets on common bins (so they can be overlaid).
///
/// A note on the bins: the reference calls `plt.hist(mse, bins=100)` separately on each set, i.e. 100 linear bins
/// over each set's own range. MSEs span decades, so we bin log10(MSE) instead, over the range of all sets together:
/// edges are equally spaced from the smallest to the largest log10(MSE), the last bin closed on the right.
public struct RegenerationErrorHistogram: Equatable, Sendable {
    /// binCount + 1 edges in log10(MSE).
    public let edges: [Double]
    /// One row of binCount counts per set.
    public let counts: [[Int]]
    public let threshold: Double

    public init(errorSets: [[Double]], binCount: Int = 100, threshold: Double = 1e-12) {
        precondition(binCount > 0, "RegenerationErrorHistogram needs at least one bin")
        let logs = errorSets.map { set in set.filter { $0 > threshold && $0.isFinite }.map { log10($0) } }
        let all = logs.flatMap { $0 }
        var lower = all.min() ?? log10(threshold)
        var upper = all.max() ?? 0
        // A single value (or none): a unit-wide range around it keeps the bins well defined.
        if upper <= lower {
            lower -= 0.5
            upper = lower + 1
        }
        let width = (upper - lower) / Double(binCount)
        edges = (0...binCount).map { $0 == binCount ? upper : lower + Double($0) * width }
        counts = logs.map { values in
            var row = [Int](repeating: 0, count: binCount)
            for value in values { row[min(Int((value - lower) / width), binCount - 1)] += 1 }
            return row
        }
        self.threshold = threshold
    }
}
