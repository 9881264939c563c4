import Foundation
import Testing
import AllPapers
import PipelineEngine

/// Guards the cache against code changes. Each stage kind's source closure — its module and every target it
/// depends on, from the package's target graph, the engine included — is hashed and compared with the hash
/// recorded for its implementation version in ImplementationVersions.json. A changed closure fails here until
/// `make versions` has looked at it: that reruns the quick profile and compares every stage's output bytes with
/// the recorded fingerprints. Same bytes from the same inputs: a pure refactor, recorded without a bump, so the
/// cache stays valid. Other bytes: the kind's version must be bumped, so no stale entry passes for new code.
@Suite struct ImplementationVersionTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let recordPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/ImplementationVersions.json"

    struct Current {
        let name: String
        let version: Int
        let targets: [String]
        let sha256: String
    }

    static func currentKinds() throws -> [Current] {
        let graph = try PackageTargetGraph(repository: repository)
        let registry = AllPapers.registry()
        return try registry.sortedNames.filter { !$0.hasPrefix("test-") }.map { name in
            let kind = registry[name]!
            let module = String(String(reflecting: type(of: kind)).prefix { $0 != "." })
            let (targets, sha256) = try graph.sourceHash(of: module)
            return Current(name: name, version: kind.version, targets: targets, sha256: sha256)
        }
    }

    static func load() throws -> [String: RecordedVersion] {
        try JSONDecoder().decode([String: RecordedVersion].self, from: Data(contentsOf: URL(fileURLWithPath: recordPath)))
    }

    @Test func everyKindsSourceClosureMatchesItsRecordedVersion() throws {
        if ProcessInfo.processInfo.environment["ICAR_RECORD_VERSIONS"] == "1" { return try record() }
        let recorded = try Self.load()
        var problems: [String] = []
        for kind in try Self.currentKinds() {
            guard let entry = recorded[kind.name] else {
                problems.append("kind \(kind.name) has no entry in ImplementationVersions.json: run make versions")
                continue
            }
            if kind.sha256 == entry.sha256 && kind.version == entry.version { continue }
            if kind.version == entry.version {
                problems.append("the sources of \(kind.name) (targets \(kind.targets.joined(separator: ", "))) changed "
                    + "and its version is still \(kind.version): run make versions — it reruns the quick profile and records "
                    + "the change if \(kind.name) writes the same bytes, or tells you to bump its version")
            } else {
                problems.append("\(kind.name) is now version \(kind.version) (recorded \(entry.version)): run make versions")
            }
        }
        #expect(problems.isEmpty, Comment(rawValue: problems.joined(separator: "\n")))
    }

    /// `make versions`: records every kind whose closure or version changed, after the early-cutoff check.
    func record() throws {
        var recorded = try Self.load()
        let kinds = try Self.currentKinds()
        let changed = kinds.filter { recorded[$0.name]?.sha256 != $0.sha256 || recorded[$0.name]?.version != $0.version }
        guard !changed.isEmpty else { return }
        print("versions: \(changed.count) kind(s) changed (\(changed.map(\.name).joined(separator: ", "))); running the quick profile")
        let measured = try OutputFingerprints.measure()
        func fingerprint(of kind: Current) -> RecordedVersion {
            var fingerprint: [String: StageFingerprint] = [:]
            for (stage, run) in measured where run.kind == kind.name { fingerprint[stage] = run.fingerprint }
            return RecordedVersion(version: kind.version, targets: kind.targets, sha256: kind.sha256, fingerprint: fingerprint)
        }
        // An unchanged kind's outputs are its version's outputs: refreshed, so they compare with today's inputs.
        for kind in kinds where !changed.contains(where: { $0.name == kind.name }) { recorded[kind.name] = fingerprint(of: kind) }
        var problems: [String] = []
        for kind in changed {
            switch EarlyCutoff.verdict(kind: kind.name, recorded: recorded[kind.name], measured: fingerprint(of: kind)) {
            case let .record(entry, note):
                recorded[kind.name] = entry
                print("versions: \(kind.name): \(note)")
            case let .bump(reason):
                problems.append("\(kind.name): \(reason)")
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(recorded).write(to: URL(fileURLWithPath: Self.recordPath))
        #expect(problems.isEmpty, Comment(rawValue: problems.joined(separator: "\n")))
    }
}
