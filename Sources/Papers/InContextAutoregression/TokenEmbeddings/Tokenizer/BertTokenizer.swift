/// The tokenizer of BERT-style uncased models such as MiniLM: basic tokenizer, then WordPiece.
///
/// Token ids are returned without the [CLS] and [SEP] markers a model input would carry: the experiment of Fig. 4
/// looks at the tokens of the text only (the reference drops GPT-2's padding the same way).
public struct BertTokenizer: Sendable {
    public let basic: BertBasicTokenizer
    public let wordPiece: WordPieceTokenizer

    public init(vocabulary: Vocabulary, basic: BertBasicTokenizer = BertBasicTokenizer()) throws {
        self.basic = basic
        self.wordPiece = try WordPieceTokenizer(vocabulary: vocabulary)
    }

    public func tokenIDs(for text: String) -> [Int] {
        basic.words(in: text).flatMap { wordPiece.tokenIDs(ofWord: $0) }
    }

    public func tokens(for text: String) -> [String] {
        tokenIDs(for: text).map { wordPiece.vocabulary.tokens[$0] }
    }

    /// The token ids of a text split into sentences, each sentence tokenized on its own, concatenated in order.
    public func tokenIDs(ofSentencesIn text: String) -> [Int] {
        SentenceSplitter.sentences(in: text).flatMap { tokenIDs(for: $0) }
    }
}
