/// What a stage's key is made of. Two runs with the same ingredients compute the same thing, so the key
/// = SHA-256 of the canonical JSON of {inputs, kind, parameters, version} names its result in the store.
public struct KeyIngredients: Codable, Equatable, Sendable {
    public let kind: String
    public let version: Int
    /// The canonical JSON of the resolved parameters (see `CanonicalJSON`).
    public let parameters: String
    /// Input slot → content hash of the providing stage's outputs.
    public let inputs: [String: String]

    public init(kind: String, version: Int, parameters: String, inputs: [String: String]) {
        self.kind = kind
        self.version = version
        self.parameters = parameters
        self.inputs = inputs
    }

    /// `{"inputs":{SLOT:HASH,…},"kind":KIND,"parameters":PARAMS,"version":N}`, keys sorted, no whitespace.
    public var canonicalText: String {
        let inputObject = JSONValue.object(inputs.map { JSONMember(key: $0.key, value: .string($0.value)) })
        let kindAndVersion = CanonicalJSON.encode(.object([
            JSONMember(key: "inputs", value: inputObject),
            JSONMember(key: "kind", value: .string(kind)),
        ]))
        // The parameters are already canonical text; splice them in at their sorted place ("parameters" < "version").
        return String(kindAndVersion.dropLast()) + ",\"parameters\":" + parameters + ",\"version\":" + String(version) + "}"
    }

    public var key: String { SHA256Hasher.hex(of: canonicalText) }
}
