/// The shape of a set of sequences s_0 … s_n stored flat as [count, tokenCount, dimension] (tokenCount = n + 1).
public struct SequenceShape: Equatable, Sendable {
    public let count: Int
    public let tokenCount: Int
    public let dimension: Int

    public init(count: Int, tokenCount: Int, dimension: Int) {
        precondition(count >= 0 && tokenCount >= 2 && dimension >= 1, "SequenceShape: bad sizes")
        self.count = count
        self.tokenCount = tokenCount
        self.dimension = dimension
    }

    /// Positions that make a prediction: inputs s_0 … s_{n−1}, targets s_1 … s_n.
    public var positions: Int { tokenCount - 1 }
    public var elementCount: Int { count * tokenCount * dimension }
}

/// Token sequences s_0 … s_n ∈ R^d in Double, flat [count, n + 1, d]: what every model of the paper trains and is
/// tested on, and what the baselines are computed on (the one sequence container of stages, tests and bench).
public struct TokenSequences: Sendable {
    public let values: [Double]
    public let shape: SequenceShape

    public init<Source: BinaryFloatingPoint>(_ values: [Source], shape: SequenceShape) {
        precondition(values.count == shape.elementCount, "TokenSequences: \(values.count) values for \(shape)")
        self.values = values.map { Double($0) }
        self.shape = shape
    }

    public init(count: Int, tokenCount: Int, dimension: Int, values: [Double]) {
        self.init(values, shape: SequenceShape(count: count, tokenCount: tokenCount, dimension: dimension))
    }

    public var count: Int { shape.count }
    public var tokenCount: Int { shape.tokenCount }
    public var dimension: Int { shape.dimension }

    /// Coordinate i of token t of sequence n.
    public subscript(sequence: Int, token: Int, coordinate: Int) -> Double {
        values[(sequence * shape.tokenCount + token) * shape.dimension + coordinate]
    }
}
