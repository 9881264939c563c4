import Foundation

/// Everything a stage process needs, written as JSON by the scheduler and read by `icar exec-stage`.
/// A cluster executor would ship the same file.
public struct StageJob: Codable, Sendable {
    public let stage: String
    public let kind: String
    public let version: Int
    public let key: String
    public let keyText: String
    public let parameters: String
    public let inputs: [String: StageInputLocation]
    public let storeRoot: String
    public let icarVersion: String
    public let gitCommit: String
    /// A forced re-run: replace an existing entry of the same key once the new one is complete.
    public let replaceExisting: Bool
    /// Directory of pipeline.json, and the project files the key covers (path → hash or "absent").
    public var projectDirectory: String = "."
    public var projectFiles: [String: String] = [:]

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(self), to: path)
    }

    public static func read(from path: String) throws -> StageJob {
        guard let data = FileManager.default.contents(atPath: path) else { throw PipelineError("cannot read job file \(path)") }
        do {
            return try JSONDecoder().decode(StageJob.self, from: data)
        } catch {
            throw PipelineError("job file \(path) is not a valid stage job: \(error)")
        }
    }
}

/// The version of icar written into every manifest.
public let icarVersion = "0.1.0"
