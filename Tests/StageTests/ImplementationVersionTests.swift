import Foundation
import Testing
import AllPapers
@testable import PipelineEngine

/// Guards the cache against code changes: each stage kind's sources are hashed and compared with the hash recorded
/// for its implementation version in ImplementationVersions.json. Changing a kind's code without bumping its
/// version fails here, so a stale cache entry can never pass for the result of new code.
///
/// After bumping a version, record the new hashes with `make versions`.
@Suite struct ImplementationVersionTests {
    struct Recorded: Codable, Equatable {
        var version: Int
        var sources: [String]
        var sha256: String
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let recordPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/ImplementationVersions.json"

    /// SHA-256 over `path NUL normalised-contents NUL` of every .swift file named, or under the folders named, in
    /// sorted path order. Comments and layout are normalised away (SwiftSourceNormaliser): rewording a comment in
    /// Numerics is not a code change of every kind that uses it.
    static func sourceHash(_ folders: [String]) throws -> String {
        var files: [String] = []
        for folder in folders {
            let root = repository + "/" + folder
            if folder.hasSuffix(".swift") {
                files.append(folder)
                continue
            }
            guard let enumerator = FileManager.default.enumerator(atPath: root) else { continue }
            for case let path as String in enumerator where path.hasSuffix(".swift") { files.append(folder + "/" + path) }
        }
        var hasher = SHA256Hasher()
        for file in files.sorted() {
            hasher.update(file + "\0")
            let text = try String(contentsOfFile: repository + "/" + file, encoding: .utf8)
            hasher.update(SwiftSourceNormaliser.normalise(text))
            hasher.update("\0")
        }
        return hasher.finalizeHex()
    }

    @Test func everyKindsSourceHashMatchesItsRecordedVersion() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.recordPath))
        var recorded = try JSONDecoder().decode([String: Recorded].self, from: data)
        let registry = AllPapers.registry()
        let recording = ProcessInfo.processInfo.environment["ICAR_RECORD_VERSIONS"] == "1"
        var problems: [String] = []
        for name in registry.sortedNames where !name.hasPrefix("test-") {
            let kind = registry[name]!
            guard var entry = recorded[name] else {
                problems.append("kind \(name) has no entry in ImplementationVersions.json: add {\"version\": \(kind.version), \"sources\": [its folders]} and run make versions")
                continue
            }
            let hash = try Self.sourceHash(entry.sources)
            if hash == entry.sha256 && kind.version == entry.version { continue }
            if recording && entry.sha256.isEmpty {
                entry.version = kind.version
                entry.sha256 = hash
                recorded[name] = entry
            } else if kind.version == entry.version {
                problems.append("the sources of \(name) (\(entry.sources.joined(separator: ", "))) changed but its version is still \(kind.version): bump `version` in its StageKind, then run make versions")
            } else if recording {
                entry.version = kind.version
                entry.sha256 = hash
                recorded[name] = entry
            } else {
                problems.append("\(name) is now version \(kind.version) (recorded \(entry.version)): run make versions to record its source hash")
            }
        }
        if recording && problems.isEmpty {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(recorded).write(to: URL(fileURLWithPath: Self.recordPath))
        }
        #expect(problems.isEmpty, Comment(rawValue: problems.joined(separator: "\n")))
    }
}
