import Testing
import TokenEmbeddings

@Suite struct TokenizerTests {
    /// A small BERT-style vocabulary; a token's id is its index.
    static let vocabularyText = """
        [PAD]
        [UNK]
        [CLS]
        [SEP]
        un
        ##aff
        ##able
        ##want
        ##ed
        want
        wa
        runn
        ##ing
        ,
        .
        !
        $
        ^
        hello
        world
        cafe
        naive
        中
        国
        a
        ##b
        한국어
        i
        ##stanbul

        """

    static func tokenizer() throws -> BertTokenizer {
        try BertTokenizer(vocabulary: try Vocabulary(text: vocabularyText))
    }

    @Test func vocabularyIdsAreLineNumbers() throws {
        let vocabulary = try Vocabulary(text: Self.vocabularyText)
        #expect(vocabulary.count == 29)
        #expect(vocabulary.id(of: "[UNK]") == 1)
        #expect(vocabulary.id(of: "##aff") == 5)
        #expect(vocabulary.id(of: "##stanbul") == 28)
        #expect(vocabulary.id(of: "missing") == nil)
        #expect(try Vocabulary(text: "a\r\nb\r\n").tokens == ["a", "b"])
    }

    @Test func vocabularyRejectsDuplicatesButKeepsCanonicalTwinsApart() throws {
        #expect(throws: VocabularyError.duplicateToken("b", firstLine: 2, secondLine: 3)) {
            try Vocabulary(text: "a\nb\nb\n")
        }
        // "é" precomposed and "e" + combining acute are equal as Swift Strings but are two tokens of a vocabulary.
        let twins = try Vocabulary(tokens: ["\u{E9}", "e\u{301}"])
        #expect(twins.id(of: "\u{E9}") == 0)
        #expect(twins.id(of: "e\u{301}") == 1)
        #expect(throws: VocabularyError.missingSpecialToken("[UNK]")) {
            try BertTokenizer(vocabulary: try Vocabulary(tokens: ["a"]))
        }
    }

    @Test func wordPieceIsGreedyLongestMatchFirst() throws {
        let tokenizer = try Self.tokenizer()
        #expect(tokenizer.tokens(for: "unaffable") == ["un", "##aff", "##able"])
        #expect(tokenizer.tokens(for: "unwanted running") == ["un", "##want", "##ed", "runn", "##ing"])
        // "want" wins over the shorter "wa" that is also in the vocabulary.
        #expect(tokenizer.tokens(for: "wanted") == ["want", "##ed"])
        #expect(tokenizer.tokenIDs(for: "unaffable") == [4, 5, 6])
    }

    @Test func wordsThatCannotBeCoveredBecomeOneUnknownToken() throws {
        let tokenizer = try Self.tokenizer()
        // "unwantedx": un ##want ##ed would match, but "x" has no "##x", so the whole word is [UNK].
        #expect(tokenizer.tokens(for: "unwantedx hello") == ["[UNK]", "hello"])
        #expect(tokenizer.tokens(for: "zebra") == ["[UNK]"])
        // A word of 100 characters is split, one of 101 is [UNK] without trying.
        let hundred = "a" + String(repeating: "b", count: 99)
        #expect(tokenizer.tokens(for: hundred) == ["a"] + Array(repeating: "##b", count: 99))
        #expect(tokenizer.tokens(for: hundred + "b") == ["[UNK]"])
    }

    @Test func lowercasesStripsAccentsAndSplitsPunctuation() throws {
        let tokenizer = try Self.tokenizer()
        #expect(tokenizer.tokens(for: "UNwant\u{E9}d,running") == ["un", "##want", "##ed", ",", "runn", "##ing"])
        #expect(tokenizer.tokens(for: "Hello, World!") == ["hello", ",", "world", "!"])
        #expect(tokenizer.tokens(for: "Café NAÏVE") == ["cafe", "naive"])
        // Decomposed input gives the same tokens as precomposed input.
        #expect(tokenizer.tokenIDs(for: "Cafe\u{301}") == tokenizer.tokenIDs(for: "Caf\u{E9}"))
        // ASCII symbols that are not Unicode punctuation are split all the same.
        #expect(tokenizer.tokens(for: "hello$world^") == ["hello", "$", "world", "^"])
        // "İ" lower-cases to "i" + combining dot, which accent stripping removes.
        #expect(tokenizer.tokens(for: "İstanbul") == ["i", "##stanbul"])
    }

    @Test func basicTokenizerRules() {
        let basic = BertBasicTokenizer()
        // CJK ideographs become one word each; Hangul is not in the CJK blocks and stays a word.
        #expect(basic.words(in: "中国 한국어") == ["中", "国", "한국어"])
        #expect(basic.words(in: "a中b") == ["a", "中", "b"])
        // Control characters and U+FFFD vanish; tabs, newlines and no-break spaces separate words.
        #expect(basic.words(in: "he\u{1}llo\u{FFFD}\tworld\nagain\u{A0}now") == ["hello", "world", "again", "now"])
        // Unicode punctuation (dash, quotes, ellipsis) splits; letters with marks keep their base letters.
        #expect(basic.words(in: "“Well—so…”") == ["“", "well", "—", "so", "…", "”"])
        #expect(basic.words(in: "Ångström") == ["angstrom"])
        // A cased tokenizer keeps case and accents.
        #expect(BertBasicTokenizer(lowercases: false).words(in: "Café!") == ["Café", "!"])
    }

    @Test func sentenceSplitterCutsAfterTerminators() throws {
        #expect(SentenceSplitter.sentences(in: "Hello there.  How are you?\nFine!") ==
            ["Hello there.", "How are you?", "Fine!"])
        #expect(SentenceSplitter.sentences(in: "He said \"Go.\" Then... he left?! And") ==
            ["He said \"Go.\"", "Then...", "he left?!", "And"])
        #expect(SentenceSplitter.sentences(in: "  \n ") == [])
        // Splitting into sentences does not change the token stream (BERT splits on punctuation anyway).
        let tokenizer = try Self.tokenizer()
        let text = "Hello, world! Unaffable cafe. Running? wanted\n\nhello."
        #expect(tokenizer.tokenIDs(ofSentencesIn: text) == tokenizer.tokenIDs(for: text))
    }
}
