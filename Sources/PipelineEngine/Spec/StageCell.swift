import Foundation

/// One dimension of a cell of a stage family and its value there (`nodes=200` of `alpine-train[nodes=200]`). The
/// value is the parameter's normalised value (a number parameter's `1` is `1.0`), so cells compare by value.
public struct CellCoordinate: Sendable, Equatable, Codable {
    public let name: String
    public let value: JSONValue

    public init(name: String, value: JSONValue) {
        self.name = name
        self.value = value
    }

    /// `name=value` as it appears in a cell's name.
    public var text: String { name + "=" + StageCell.render(value) }

    // In a job file the value is its canonical JSON text (JSONValue itself is not Codable).
    enum CodingKeys: String, CodingKey { case name, value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        value = try JSONParser.parse(try container.decode(String.self, forKey: .value))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(CanonicalJSON.encode(value), forKey: .value)
    }
}

/// The names of a family's cells and how values render in them.
///
/// A cell of family BASE is named `BASE[k1=v1,k2=v2]`, its dimensions in their order (inherited ones first, in the
/// order of the inputs that bring them, then the stage's own in the order its matrix lists them). Values render
/// canonically, so one value has one name: integers plainly, other numbers as the shortest text that parses back
/// to the same bits (`0.001`, `1e-08`, `1.0`), strings as they are (a matrix accepts only strings in the stage-name
/// character set), booleans as `true`/`false`.
public enum StageCell {
    public static func render(_ value: JSONValue) -> String {
        if case let .string(text) = value { return text }
        return CanonicalJSON.encode(value)
    }

    public static func name(family: String, cell: [CellCoordinate]) -> String {
        family + "[" + cell.map(\.text).joined(separator: ",") + "]"
    }

    /// The inverse of `name(family:cell:)` for a generated name: its family and its `k=v,…` text; nil for a plain
    /// stage's name (for readers of manifests, which record names, not families).
    public static func parts(of name: String) -> (family: String, cell: String)? {
        guard isValidGeneratedName(name), let open = name.firstIndex(of: "[") else { return nil }
        return (String(name[..<open]), String(name[name.index(after: open)..<name.index(before: name.endIndex)]))
    }

    /// Whether two values are the same cell value: equal after normalisation, with an integer equal to the number
    /// of the same value (a selector's `200` matches a number dimension's `200.0`).
    public static func sameValue(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case let (.integer(x), .number(y)), let (.number(y), .integer(x)): return Double(x) == y
        default: return a == b
        }
    }

    /// Characters a user-written stage name may use (also what a string matrix value may use).
    static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            || "._-".unicodeScalars.contains(scalar)
    }

    /// A name the loader generated for a cell: a valid stage name, then `[`, `name=value` pairs separated by `,`,
    /// and `]`, where values may also use `+` (a number's exponent, `1e+20`). Only generated names have brackets, so
    /// a user cannot write a stage whose name looks like a cell.
    static func isValidGeneratedName(_ name: String) -> Bool {
        guard let open = name.firstIndex(of: "["), name.hasSuffix("]") else { return false }
        let base = String(name[..<open])
        let inner = name[name.index(after: open)..<name.index(before: name.endIndex)]
        guard PipelineLoader.isValidStageName(base), !inner.isEmpty else { return false }
        return inner.split(separator: ",", omittingEmptySubsequences: false).allSatisfy { pair in
            let parts = pair.split(separator: "=", omittingEmptySubsequences: false)
            return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
                && parts[0].unicodeScalars.allSatisfy(isNameScalar)
                && parts[1].unicodeScalars.allSatisfy { isNameScalar($0) || $0 == "+" }
        }
    }
}
