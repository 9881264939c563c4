/// A parsed JSON document that keeps what Foundation's parser loses: object key order, the difference between
/// `1` and `1.0`, and where in the file each value stood (for error messages that name a line and column).
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer: return "an integer"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    public var members: [JSONMember]? {
        if case let .object(members) = self { return members }
        return nil
    }

    public subscript(key: String) -> JSONValue? {
        members?.first { $0.key == key }?.value
    }

    public func member(_ key: String) -> JSONMember? {
        members?.first { $0.key == key }
    }
}

/// One `"key": value` of an object, with the position of its key in the source.
public struct JSONMember: Equatable, Sendable {
    public let key: String
    public let value: JSONValue
    public let position: SourcePosition

    public init(key: String, value: JSONValue, position: SourcePosition = .unknown) {
        self.key = key
        self.value = value
        self.position = position
    }
}

public struct SourcePosition: Equatable, Sendable, CustomStringConvertible {
    public let line: Int
    public let column: Int

    public static let unknown = SourcePosition(line: 0, column: 0)

    public var description: String { line == 0 ? "" : "line \(line), column \(column)" }
}
