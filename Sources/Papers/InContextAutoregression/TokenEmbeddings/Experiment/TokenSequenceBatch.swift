import NumericCore

/// Sequences s_0 … s_{T-1} of unit-norm token embeddings, cut from a token stream.
public struct TokenSequenceBatch: Sendable {
    public let length: Int
    public let dimension: Int
    /// count × length token ids.
    public let tokenIDs: [Int]
    /// count × length × dimension, each token scaled to unit norm.
    public let tokens: [Double]

    public var count: Int { tokenIDs.count / length }

    /// Sequences made of `tokenIDs` taken `length` at a time, in order.
    public init(tokenIDs: [Int], length: Int, table: TokenEmbeddingTable) throws {
        precondition(length >= 2 && tokenIDs.count % length == 0, "TokenSequenceBatch: \(tokenIDs.count) ids for length \(length)")
        var unitEmbeddings: [Int: [Double]] = [:]
        var tokens: [Double] = []
        tokens.reserveCapacity(tokenIDs.count * table.dimension)
        for id in tokenIDs {
            if unitEmbeddings[id] == nil { unitEmbeddings[id] = try table.unitEmbedding(of: id) }
            tokens.append(contentsOf: unitEmbeddings[id]!)
        }
        self.init(length: length, dimension: table.dimension, tokenIDs: tokenIDs, tokens: tokens)
    }

    private init(length: Int, dimension: Int, tokenIDs: [Int], tokens: [Double]) {
        self.length = length
        self.dimension = dimension
        self.tokenIDs = tokenIDs
        self.tokens = tokens
    }

    /// Consecutive, non-overlapping windows of `length` tokens from the start of the stream, at most `maximumCount`
    /// of them; the tokens left over at the end are dropped (as in the reference).
    public static func consecutive(tokenStream: [Int], length: Int = 5, maximumCount: Int,
                                   table: TokenEmbeddingTable) throws -> TokenSequenceBatch {
        let count = min(maximumCount, tokenStream.count / length)
        guard count > 0 else { throw TokenEmbeddingError.notEnoughTokens(available: tokenStream.count, needed: length) }
        return try TokenSequenceBatch(tokenIDs: Array(tokenStream.prefix(count * length)), length: length, table: table)
    }

    /// Sequence `index` as a length × dimension matrix, row t = s_t.
    public func sequence(at index: Int) -> Matrix {
        let size = length * dimension
        return Matrix(rows: length, columns: dimension, elements: Array(tokens[(index * size)..<((index + 1) * size)]))
    }

    /// The control of Fig. 4: the same count · length tokens, randomly permuted across all sequences.
    public func shuffledAcrossSequences(using generator: inout SeededGenerator) -> TokenSequenceBatch {
        let order = generator.permutation(tokenIDs.count)
        var shuffledTokens = [Double](repeating: 0, count: tokens.count)
        for (position, source) in order.enumerated() {
            shuffledTokens.replaceSubrange((position * dimension)..<((position + 1) * dimension),
                                           with: tokens[(source * dimension)..<((source + 1) * dimension)])
        }
        return TokenSequenceBatch(length: length, dimension: dimension, tokenIDs: order.map { tokenIDs[$0] },
                                  tokens: shuffledTokens)
    }

    /// Whether one linear map can send every s_t to s_{t+1} (t < T-1), judged from the ids alone: each token that
    /// occurs more than once among s_0 … s_{T-2} is followed by the same token every time. For distinct tokens whose
    /// embeddings are linearly independent (generic for ≤ T-1 vectors in d ≫ T dimensions) this is also necessary.
    public func admitsExactLinearFit(at index: Int) -> Bool {
        let ids = tokenIDs[(index * length)..<((index + 1) * length)].map { $0 }
        for i in 0..<(length - 1) {
            for j in (i + 1)..<(length - 1) where ids[i] == ids[j] && ids[i + 1] != ids[j + 1] {
                return false
            }
        }
        return true
    }
}
