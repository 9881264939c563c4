/// A stage's parameters after validation, defaults and profile overrides: every declared parameter has a value of
/// its declared type, so the accessors treat a missing or mistyped value as a broken invariant.
public struct StageParameters: Sendable, Equatable {
    public let values: [String: JSONValue]

    public init(_ values: [String: JSONValue]) { self.values = values }

    /// The canonical JSON object of all parameters (the text that enters the stage key).
    public var canonicalJSON: String {
        CanonicalJSON.encode(.object(values.map { JSONMember(key: $0.key, value: $0.value) }))
    }

    public func integer(_ name: String) -> Int {
        guard case let .integer(value)? = values[name] else { fatalError("parameter \(name) is not an integer") }
        return value
    }

    public func number(_ name: String) -> Double {
        switch values[name] {
        case let .number(value)?: return value
        case let .integer(value)?: return Double(value)
        default: fatalError("parameter \(name) is not a number")
        }
    }

    public func string(_ name: String) -> String {
        guard case let .string(value)? = values[name] else { fatalError("parameter \(name) is not a string") }
        return value
    }

    public func boolean(_ name: String) -> Bool {
        guard case let .bool(value)? = values[name] else { fatalError("parameter \(name) is not a boolean") }
        return value
    }

    public func integers(_ name: String) -> [Int] {
        guard case let .array(elements)? = values[name] else { fatalError("parameter \(name) is not a list") }
        return elements.map { if case let .integer(v) = $0 { return v } else { fatalError("\(name): not integers") } }
    }

    public func numbers(_ name: String) -> [Double] {
        guard case let .array(elements)? = values[name] else { fatalError("parameter \(name) is not a list") }
        return elements.map {
            switch $0 {
            case let .number(v): return v
            case let .integer(v): return Double(v)
            default: fatalError("\(name): not numbers")
            }
        }
    }

    public func strings(_ name: String) -> [String] {
        guard case let .array(elements)? = values[name] else { fatalError("parameter \(name) is not a list") }
        return elements.map { if case let .string(v) = $0 { return v } else { fatalError("\(name): not strings") } }
    }

    /// The seed parameter as the unsigned seed of a generator.
    public func seed(_ name: String = "seed") -> UInt64 { UInt64(bitPattern: Int64(integer(name))) }
}
