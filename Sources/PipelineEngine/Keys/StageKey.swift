/// What a stage's key is made of. Two runs with the same ingredients compute the same thing, so the key
/// = SHA-256 of the canonical JSON of {inputs, kind, parameters, toolchain, version} names its result in the store.
public struct KeyIngredients: Codable, Equatable, Sendable {
    public let kind: String
    public let version: Int
    /// The canonical JSON of the resolved parameters (see `CanonicalJSON`).
    public let parameters: String
    /// Input slot → content hash of the providing stage's outputs.
    public let inputs: [String: String]
    /// The native libraries and programs whose behaviour reaches the outputs (the OpenBLAS kernel, libhdf5,
    /// gnuplot): two machines that differ there write different bytes, so they must not share an entry.
    public let toolchain: [String: String]

    public init(kind: String, version: Int, parameters: String, inputs: [String: String],
                toolchain: [String: String] = [:]) {
        self.kind = kind
        self.version = version
        self.parameters = parameters
        self.inputs = inputs
        self.toolchain = toolchain
    }

    enum CodingKeys: String, CodingKey { case kind, version, parameters, inputs, toolchain }

    /// Records written before the toolchain entered the key have none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(String.self, forKey: .kind)
        version = try container.decode(Int.self, forKey: .version)
        parameters = try container.decode(String.self, forKey: .parameters)
        inputs = try container.decode([String: String].self, forKey: .inputs)
        toolchain = try container.decodeIfPresent([String: String].self, forKey: .toolchain) ?? [:]
    }

    /// `{"inputs":{SLOT:HASH,…},"kind":KIND,"parameters":PARAMS,"toolchain":{…},"version":N}`, keys sorted, no
    /// whitespace; a kind that uses no native library has no "toolchain" member.
    public var canonicalText: String {
        let inputObject = JSONValue.object(inputs.map { JSONMember(key: $0.key, value: .string($0.value)) })
        let kindAndVersion = CanonicalJSON.encode(.object([
            JSONMember(key: "inputs", value: inputObject),
            JSONMember(key: "kind", value: .string(kind)),
        ]))
        let toolchainMember = toolchain.isEmpty ? "" : ",\"toolchain\":" + CanonicalJSON.encode(
            .object(toolchain.map { JSONMember(key: $0.key, value: .string($0.value)) }))
        // The parameters are already canonical text; splice them in at their sorted place.
        return String(kindAndVersion.dropLast()) + ",\"parameters\":" + parameters + toolchainMember
            + ",\"version\":" + String(version) + "}"
    }

    public var key: String { SHA256Hasher.hex(of: canonicalText) }
}
