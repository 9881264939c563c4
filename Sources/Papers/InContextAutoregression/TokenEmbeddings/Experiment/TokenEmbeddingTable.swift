/// The input embedding matrix of a language model: row `id` is the embedding of token `id`.
public struct TokenEmbeddingTable: Sendable {
    /// The tensor name of BERT-style models (MiniLM-L6: 30522 × 384, F32).
    public static let bertWordEmbeddings = "embeddings.word_embeddings.weight"

    public let vocabularySize: Int
    public let dimension: Int
    public let values: [Float]

    public init(tensor: FloatTensor) throws {
        guard tensor.shape.count == 2, tensor.shape[0] > 0, tensor.shape[1] > 0 else {
            throw TokenEmbeddingError.notATable(shape: tensor.shape)
        }
        vocabularySize = tensor.shape[0]
        dimension = tensor.shape[1]
        values = tensor.values
    }

    public init(file: SafetensorsFile, tensorName: String = TokenEmbeddingTable.bertWordEmbeddings) throws {
        try self.init(tensor: file.floatTensor(named: tensorName))
    }

    /// e_id / ||e_id||, in Float64.
    public func unitEmbedding(of id: Int) throws -> [Double] {
        guard id >= 0, id < vocabularySize else {
            throw TokenEmbeddingError.tokenOutOfRange(id: id, vocabularySize: vocabularySize)
        }
        let row = values[(id * dimension)..<((id + 1) * dimension)].map(Double.init)
        let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0, norm.isFinite else { throw TokenEmbeddingError.degenerateEmbedding(id: id) }
        return row.map { $0 / norm }
    }
}

public enum TokenEmbeddingError: Error, CustomStringConvertible, Equatable {
    case notATable(shape: [Int])
    case tokenOutOfRange(id: Int, vocabularySize: Int)
    case degenerateEmbedding(id: Int)
    case notEnoughTokens(available: Int, needed: Int)

    public var description: String {
        switch self {
        case let .notATable(shape):
            return "an embedding table must be a non-empty vocabulary × dimension matrix, got shape \(shape)"
        case let .tokenOutOfRange(id, size):
            return "token id \(id) is outside the embedding table of \(size) tokens (vocabulary and model differ?)"
        case let .degenerateEmbedding(id):
            return "token \(id) has a zero or non-finite embedding, which cannot be scaled to unit norm"
        case let .notEnoughTokens(available, needed):
            return "the texts give \(available) tokens, fewer than the \(needed) needed for one sequence"
        }
    }
}
