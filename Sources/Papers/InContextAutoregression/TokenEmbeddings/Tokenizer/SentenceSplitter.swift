/// A plain sentence splitter: a sentence ends after a run of ".", "!" or "?" (closing quotes and brackets right
/// after the run stay with it); whitespace around sentences is dropped, and so are empty sentences.
///
/// A note on the reference: it splits Moby Dick with NLTK's Punkt model (which knows abbreviations such as "Mr.")
/// and then keeps each sentence only up to its second "." (`'.'.join(s.split('.')[:2])`). Since every sentence
/// here holds at most one run of terminators, that truncation would change nothing. And since BERT splits on
/// punctuation anyway, the token stream of the concatenated sentences is the token stream of the whole text: the
/// splitter only decides which text goes into the experiment, not how it is cut into tokens.
public enum SentenceSplitter {
    public static func sentences(in text: String) -> [String] {
        var sentences: [String] = []
        var current = String.UnicodeScalarView()
        var afterTerminator = false
        func finish() {
            let sentence = String(current).trimmingWhitespace()
            if !sentence.isEmpty { sentences.append(sentence) }
            current = String.UnicodeScalarView()
            afterTerminator = false
        }
        for scalar in text.unicodeScalars {
            let isTerminator = scalar == "." || scalar == "!" || scalar == "?"
            let isCloser = scalar == "\"" || scalar == "'" || scalar == ")" || scalar == "]" || scalar == "\u{201D}"
                || scalar == "\u{2019}"
            if afterTerminator && !isTerminator && !isCloser { finish() }
            current.append(scalar)
            if isTerminator { afterTerminator = true }
        }
        finish()
        return sentences
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = Array(unicodeScalars)
        guard let first = scalars.firstIndex(where: { !BertBasicTokenizer.isWhitespace($0) }),
              let last = scalars.lastIndex(where: { !BertBasicTokenizer.isWhitespace($0) }) else { return "" }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[first...last])
        return String(view)
    }
}
