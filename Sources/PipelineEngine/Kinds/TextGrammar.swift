/// What a `text` parameter may hold: any Unicode text except control characters (newlines included) and backticks.
///
/// A note on why: such text ends up inside gnuplot scripts and HTML. Escaping makes quotes harmless, but a newline
/// would end gnuplot's command and a backtick starts gnuplot's command substitution; refusing both when
/// `pipeline.json` loads means no user text can ever become a command, whatever a later writer forgets.
public enum TextGrammar {
    /// Why `text` is not acceptable, or nil.
    public static func problem(_ text: String) -> String? {
        for scalar in text.unicodeScalars {
            if scalar == "`" { return "must not contain a backtick (`), got \(quoted(text))" }
            if scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                || scalar == "\u{2028}" || scalar == "\u{2029}" {
                return "must not contain control characters (U+\(hex(scalar))), got \(quoted(text))"
            }
        }
        return nil
    }

    /// `text` as it would be written in pipeline.json (a JSON string), for error messages: control characters show
    /// as escapes.
    static func quoted(_ text: String) -> String { CanonicalJSON.encode(.string(text)) }

    static func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

/// What a `fileName` parameter may hold: `[A-Za-z0-9][A-Za-z0-9._-]*`, at most 128 characters, never `..`.
///
/// A note on why so narrow: a figure name becomes a file name in the store and in figures/, and a word inside gnuplot
/// scripts (`set output "NAME.pdf"`); an input file name is looked up inside another stage's entry. This grammar
/// has no separator, quote, space or leading dash, so none of those can be steered anywhere else.
public enum FileNameGrammar {
    public static func problem(_ name: String) -> String? {
        let allowed = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)
        }
        guard let first = name.unicodeScalars.first, allowed, name.count <= 128,
              ("a"..."z").contains(first) || ("A"..."Z").contains(first) || ("0"..."9").contains(first),
              !name.contains("..") else {
            return "must be a plain file name (ASCII letters, digits, '.', '_', '-', starting with a letter or digit, "
                + "no '..', at most 128 characters), got \(TextGrammar.quoted(name))"
        }
        return nil
    }

    public static func isValid(_ name: String) -> Bool { problem(name) == nil }
}
