/// A set of token sequences s_0 … s_{tokenCount−1} ∈ R^d, stored row-major as (sequence, token, coordinate).
public struct MultiHeadSequences: Sendable {
    public let count: Int
    public let tokenCount: Int
    public let dimension: Int
    public let values: [Double]

    public init(count: Int, tokenCount: Int, dimension: Int, values: [Double]) {
        precondition(values.count == count * tokenCount * dimension,
                     "MultiHeadSequences: \(values.count) values for \(count)×\(tokenCount)×\(dimension)")
        self.count = count
        self.tokenCount = tokenCount
        self.dimension = dimension
        self.values = values
    }

    /// Coordinate i of token t of sequence n.
    public subscript(sequence: Int, token: Int, coordinate: Int) -> Double {
        values[(sequence * tokenCount + token) * dimension + coordinate]
    }
}
