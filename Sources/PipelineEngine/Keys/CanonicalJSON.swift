/// The canonical text of a JSON value, the input of every key hash.
///
/// The encoding, which a stage key depends on and which therefore must never change silently:
/// - no whitespace at all;
/// - object keys sorted by their UTF-8 bytes (lexicographically), each key once;
/// - integers in plain decimal (`-12`);
/// - other numbers as Swift's shortest round-trip decimal (`Double.description`: `0.001`, `1e-08`, `1.0`), so a
///   number parses back to the same bits; a parameter declared as a number is always encoded as one, so `1` and
///   `1.0` in pipeline.json give the same key;
/// - strings in double quotes, escaping only `"`, `\` and control characters (`\n`, `\t`, others as `\u00XX`);
/// - `true`, `false`, `null`.
public enum CanonicalJSON {
    public static func encode(_ value: JSONValue) -> String {
        var output = ""
        append(value, to: &output)
        return output
    }

    private static func append(_ value: JSONValue, to output: inout String) {
        switch value {
        case .null: output += "null"
        case let .bool(flag): output += flag ? "true" : "false"
        case let .integer(integer): output += String(integer)
        case let .number(number): output += number.description
        case let .string(string): appendString(string, to: &output)
        case let .array(elements):
            output += "["
            for (offset, element) in elements.enumerated() {
                if offset > 0 { output += "," }
                append(element, to: &output)
            }
            output += "]"
        case let .object(members):
            output += "{"
            let sorted = members.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            for (offset, member) in sorted.enumerated() {
                if offset > 0 { output += "," }
                appendString(member.key, to: &output)
                output += ":"
                append(member.value, to: &output)
            }
            output += "}"
        }
    }

    private static func appendString(_ string: String, to output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\t": output += "\\t"
            case "\r": output += "\\r"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
