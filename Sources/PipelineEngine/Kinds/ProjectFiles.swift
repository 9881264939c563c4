import Foundation

/// Files of the project directory (beside pipeline.json) that a stage reads, such as a figure's style override:
/// each one's SHA-256, or "absent", enters the stage's key as the input `file:PATH`, so editing, adding or removing
/// the file reruns exactly the stages that read it.
public enum ProjectFiles {
    public static let absent = "absent"

    /// The key's input slot of project file `path`.
    public static func slot(_ path: String) -> String { "file:" + path }

    /// A relative path of plain names below the project directory, or why not.
    public static func problem(_ path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !path.hasPrefix("/"), !parts.isEmpty else { return "must be a relative path" }
        for part in parts {
            if let problem = FileNameGrammar.problem(part) { return "(\(TextGrammar.quoted(path))): \(problem)" }
        }
        return nil
    }

    /// The file's SHA-256, or `absent` when there is none.
    public static func hash(_ path: String, in directory: String) throws -> String {
        let full = (directory as NSString).appendingPathComponent(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) else { return absent }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: full) else {
            throw PipelineError("project file \(TextGrammar.quoted(path)) is not a readable file")
        }
        return SHA256Hasher.hex(of: [UInt8](data))
    }
}
