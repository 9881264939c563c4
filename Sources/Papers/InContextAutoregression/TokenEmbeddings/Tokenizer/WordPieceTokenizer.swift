/// WordPiece: a word becomes the longest vocabulary prefix, then the longest "##"-prefixed continuation of the rest,
/// and so on (greedy longest match first); a word with no full cover, or longer than `maximumCharactersPerWord`
/// characters (code points), becomes the unknown token.
public struct WordPieceTokenizer: Sendable {
    public let vocabulary: Vocabulary
    public let unknownToken: String
    public let unknownID: Int
    public let continuationPrefix: String
    public let maximumCharactersPerWord: Int

    public init(vocabulary: Vocabulary, unknownToken: String = "[UNK]", continuationPrefix: String = "##",
                maximumCharactersPerWord: Int = 100) throws {
        guard let unknownID = vocabulary.id(of: unknownToken) else {
            throw VocabularyError.missingSpecialToken(unknownToken)
        }
        self.vocabulary = vocabulary
        self.unknownToken = unknownToken
        self.unknownID = unknownID
        self.continuationPrefix = continuationPrefix
        self.maximumCharactersPerWord = maximumCharactersPerWord
    }

    /// The token ids of one word (a word from `BertBasicTokenizer`, without whitespace).
    public func tokenIDs(ofWord word: String) -> [Int] {
        let characters = Array(word.unicodeScalars)
        if characters.count > maximumCharactersPerWord { return [unknownID] }
        // The UTF-8 bytes of the word and where each character starts, so that candidates are byte slices.
        let bytes = Array(word.utf8)
        var characterStarts: [Int] = []
        var offset = 0
        for character in characters {
            characterStarts.append(offset)
            offset += UTF8.width(character)
        }
        characterStarts.append(offset)
        let prefixBytes = Array(continuationPrefix.utf8)
        var ids: [Int] = []
        var start = 0
        while start < characters.count {
            var match: (id: Int, end: Int)?
            var end = characters.count
            while start < end {
                let piece = bytes[characterStarts[start]..<characterStarts[end]]
                if let id = vocabulary.id(ofUTF8: start > 0 ? prefixBytes + piece : Array(piece)) {
                    match = (id, end)
                    break
                }
                end -= 1
            }
            guard let found = match else { return [unknownID] }
            ids.append(found.id)
            start = found.end
        }
        return ids
    }
}
