/// The record a store entry keeps beside its outputs: what produced them and the hash of every byte.
public struct Manifest: Codable, Equatable, Sendable {
    public struct Input: Codable, Equatable, Sendable {
        public let stage: String
        public let key: String
        public let contentHash: String
    }

    public struct Output: Codable, Equatable, Sendable {
        public let sha256: String
        public let bytes: Int
        /// Modification time (ns since 1970) when committed: a cheap first check before re-hashing.
        public let modifiedNanoseconds: Int64
    }

    public let key: String
    public let stage: String
    public let kind: String
    public let version: Int
    /// The canonical key text; hashing it again must give `key`.
    public let keyText: String
    public let parameters: String
    public let inputs: [String: Input]
    public let outputs: [String: Output]
    public let contentHash: String
    public let icarVersion: String
    public let gitCommit: String
    public let host: String
    public let startedAt: String
    public let finishedAt: String
    public let wallSeconds: Double
    public let cpuSeconds: Double

    public static let fileName = "manifest.json"

    /// SHA-256 over the sorted `name sha256` lines of the outputs: what downstream keys see of this entry.
    public static func contentHash(of outputs: [String: Output]) -> String {
        var hasher = SHA256Hasher()
        for name in outputs.keys.sorted() {
            hasher.update(name + " " + outputs[name]!.sha256 + "\n")
        }
        return hasher.finalizeHex()
    }
}

/// The last successful run of a stage by name, kept to explain why a stage is stale (`icar status`).
public struct StageRecord: Codable, Equatable, Sendable {
    public let stage: String
    public let key: String
    public let ingredients: KeyIngredients
    public let contentHash: String
    public let finishedAt: String
}
