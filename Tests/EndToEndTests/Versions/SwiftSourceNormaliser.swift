/// Swift (or C) source with its comments removed and every run of blank space outside string literals folded to one
/// space: what the implementation-version guard hashes, so that a comment or a re-indentation is not a code change
/// while any change inside a string literal (a gnuplot script, a message) still is.
enum SwiftSourceNormaliser {
    static func normalise(_ source: String) -> String {
        let scalars = Array(source.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        var pendingSpace = false
        func emit(_ scalar: Unicode.Scalar) {
            if pendingSpace && !output.isEmpty { output.append(" ") }
            pendingSpace = false
            output.append(scalar)
        }
        func starts(_ text: String, at position: Int) -> Bool {
            var offset = position
            for scalar in text.unicodeScalars {
                guard offset < scalars.count, scalars[offset] == scalar else { return false }
                offset += 1
            }
            return true
        }
        // `#"…"#`, `##"…"##`: hashes then a quote (`#if`, `#expect` have a letter there).
        func opensRawString(at position: Int) -> Bool {
            var offset = position
            while offset < scalars.count && scalars[offset] == "#" { offset += 1 }
            return offset < scalars.count && scalars[offset] == "\""
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if starts("//", at: index) {
                while index < scalars.count && scalars[index] != "\n" { index += 1 }
                pendingSpace = true
            } else if starts("/*", at: index) {
                // Swift block comments nest.
                var depth = 0
                repeat {
                    if starts("/*", at: index) { depth += 1; index += 2 }
                    else if starts("*/", at: index) { depth -= 1; index += 2 }
                    else { index += 1 }
                } while depth > 0 && index < scalars.count
                pendingSpace = true
            } else if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                pendingSpace = true
                index += 1
            } else if scalar == "\"" || (scalar == "#" && opensRawString(at: index)) {
                index = copyStringLiteral(scalars, from: index, emit: emit)
            } else {
                emit(scalar)
                index += 1
            }
        }
        return String(output)
    }

    /// Copies the string literal starting at `start` (plain, multi-line or raw) verbatim, interpolations included;
    /// returns the index after it.
    private static func copyStringLiteral(_ scalars: [Unicode.Scalar], from start: Int,
                                          emit: (Unicode.Scalar) -> Void) -> Int {
        var index = start
        var hashes = 0
        while scalars[index] == "#" { hashes += 1; emit("#"); index += 1 }
        let multiLine = index + 2 < scalars.count && scalars[index + 1] == "\"" && scalars[index + 2] == "\""
        let quotes = multiLine ? 3 : 1
        for _ in 0..<quotes { emit("\""); index += 1 }
        func closes(at position: Int) -> Bool {
            guard position + quotes + hashes <= scalars.count else { return false }
            for offset in 0..<quotes where scalars[position + offset] != "\"" { return false }
            for offset in 0..<hashes where scalars[position + quotes + offset] != "#" { return false }
            return true
        }
        while index < scalars.count {
            if closes(at: index) {
                for offset in 0..<(quotes + hashes) { emit(scalars[index + offset]) }
                return index + quotes + hashes
            }
            let scalar = scalars[index]
            emit(scalar)
            index += 1
            if scalar == "\\" && index < scalars.count {
                // An escape, or an interpolation `\(…)` whose parentheses may hold further string literals.
                var hashCount = 0
                while hashCount < hashes && index < scalars.count && scalars[index] == "#" { emit("#"); index += 1; hashCount += 1 }
                guard hashCount == hashes, index < scalars.count else { continue }
                if scalars[index] == "(" {
                    var depth = 0
                    while index < scalars.count {
                        let inner = scalars[index]
                        if inner == "\"" { index = copyStringLiteral(scalars, from: index, emit: emit); continue }
                        emit(inner)
                        index += 1
                        if inner == "(" { depth += 1 } else if inner == ")" { depth -= 1; if depth == 0 { break } }
                    }
                } else {
                    emit(scalars[index])
                    index += 1
                }
            }
        }
        return index
    }
}
