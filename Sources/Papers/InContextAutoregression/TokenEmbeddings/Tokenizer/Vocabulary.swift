import Foundation

/// A WordPiece vocabulary: `vocab.txt`, one token per line, the id of a token is its line number (from 0).
///
/// A note on keys: Swift compares Strings up to canonical equivalence ("é" == "e\u{301}"), Python and Rust compare
/// code points. Tokens are keyed by their UTF-8 bytes so that lookups match the reference tokenizers exactly.
public struct Vocabulary: Sendable {
    public let tokens: [String]
    private let ids: [[UInt8]: Int]

    public init(tokens: [String]) throws {
        var ids: [[UInt8]: Int] = [:]
        for (id, token) in tokens.enumerated() {
            if let first = ids.updateValue(id, forKey: Array(token.utf8)) {
                throw VocabularyError.duplicateToken(token, firstLine: first + 1, secondLine: id + 1)
            }
        }
        guard !tokens.isEmpty else { throw VocabularyError.empty }
        self.tokens = tokens
        self.ids = ids
    }

    /// Parses the text of `vocab.txt`: lines end with "\n" or "\r\n" (one Character in Swift, so both are named);
    /// a final empty line after the last newline is not a token.
    public init(text: String) throws {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map(String.init)
        if lines.last == "" { lines.removeLast() }
        try self.init(tokens: lines)
    }

    public init(contentsOfFile path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VocabularyError.unreadableFile(path)
        }
        guard let text = String(data: data, encoding: .utf8) else { throw VocabularyError.notUTF8(path) }
        try self.init(text: text)
    }

    public var count: Int { tokens.count }

    public func id(of token: String) -> Int? { ids[Array(token.utf8)] }

    func id(ofUTF8 bytes: [UInt8]) -> Int? { ids[bytes] }
}

public enum VocabularyError: Error, CustomStringConvertible, Equatable {
    case unreadableFile(String)
    case notUTF8(String)
    case empty
    case duplicateToken(String, firstLine: Int, secondLine: Int)
    case missingSpecialToken(String)

    public var description: String {
        switch self {
        case let .unreadableFile(path): return "cannot read the vocabulary file \(path)"
        case let .notUTF8(path): return "the vocabulary file \(path) is not UTF-8 text"
        case .empty: return "the vocabulary is empty"
        case let .duplicateToken(token, first, second):
            return "the vocabulary lists '\(token)' twice (lines \(first) and \(second))"
        case let .missingSpecialToken(token):
            return "the vocabulary has no '\(token)' token"
        }
    }
}
