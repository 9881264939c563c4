import Foundation

/// BERT's "basic tokenizer": the text → words step before WordPiece (uncased models).
///
/// 1. clean: drop U+0000, U+FFFD and control characters (category C*, except tab, newline, return), turn every
///    whitespace character (space, tab, newline, return, category Zs) into a space;
/// 2. put spaces around CJK ideographs, so that each becomes a word;
/// 3. split on whitespace; lower-case each piece and strip its accents (NFD, then drop nonspacing marks, Mn);
/// 4. split on punctuation: every punctuation character (ASCII !-/ :-@ [-` {-~, or category P*) is its own word.
public struct BertBasicTokenizer: Sendable {
    public var lowercases: Bool
    public var stripsAccents: Bool
    public var splitsIdeographs: Bool

    /// The defaults of `bert-base-uncased` and MiniLM (`strip_accents: null` follows `do_lower_case`).
    public init(lowercases: Bool = true, stripsAccents: Bool? = nil, splitsIdeographs: Bool = true) {
        self.lowercases = lowercases
        self.stripsAccents = stripsAccents ?? lowercases
        self.splitsIdeographs = splitsIdeographs
    }

    public func words(in text: String) -> [String] {
        var cleaned = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.value == 0 || scalar.value == 0xFFFD || Self.isControl(scalar) { continue }
            if Self.isWhitespace(scalar) {
                cleaned.append(" ")
            } else if splitsIdeographs && Self.isIdeograph(scalar) {
                cleaned.append(" ")
                cleaned.append(scalar)
                cleaned.append(" ")
            } else {
                cleaned.append(scalar)
            }
        }
        var words: [String] = []
        for piece in String(cleaned).split(separator: " ") {
            var word = String(piece)
            if lowercases { word = word.lowercased() }
            if stripsAccents { word = Self.strippingAccents(word) }
            words.append(contentsOf: Self.splittingOnPunctuation(word))
        }
        return words
    }

    static func strippingAccents(_ word: String) -> String {
        // ASCII has no accents, so most words skip the normalisation.
        if word.utf8.allSatisfy({ $0 < 0x80 }) { return word }
        var kept = String.UnicodeScalarView()
        for scalar in word.decomposedStringWithCanonicalMapping.unicodeScalars
        where scalar.properties.generalCategory != .nonspacingMark {
            kept.append(scalar)
        }
        return String(kept)
    }

    static func splittingOnPunctuation(_ word: String) -> [String] {
        var pieces: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in word.unicodeScalars {
            if isPunctuation(scalar) {
                if !current.isEmpty { pieces.append(String(current)) }
                current = String.UnicodeScalarView()
                pieces.append(String(scalar))
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { pieces.append(String(current)) }
        return pieces
    }

    public static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "\t", "\n", "\r": return true
        default: return scalar.properties.generalCategory == .spaceSeparator
        }
    }

    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "\t", "\n", "\r": return false
        default:
            switch scalar.properties.generalCategory {
            case .control, .format, .surrogate, .privateUse, .unassigned: return true
            default: return false
            }
        }
    }

    /// ASCII symbols such as "$", "^", "`" are not Unicode punctuation but BERT splits them all the same.
    public static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 33...47, 58...64, 91...96, 123...126: return true
        default: break
        }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }

    /// The CJK Unified Ideographs blocks (and compatibility blocks) that BERT treats as one word per character;
    /// Hangul, Hiragana and Katakana are not in them.
    public static func isIdeograph(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
